package io.kindling.strategy.epmd;

import io.kindling.core.Cluster;
import io.kindling.core.ClusterEvent;
import io.kindling.core.KindlingNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A node with a cluster in a child JVM for tests. Arguments: {@code key=value} settings, including
 * {@code kindling.cluster.strategy}. Prints {@code READY <port>}, then one line per cluster event:
 * {@code UP <node>}, {@code DOWN <node>}, {@code REFRESHED <outcome>}. Exits when standard input ends, so it never
 * outlives the test JVM.
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        System.out.println("READY " + node.address().port());
        System.out.flush();
        Cluster.builder(node).listener(event -> {
            String line = switch (event) {
                case ClusterEvent.NodeUp up -> "UP " + up.node();
                case ClusterEvent.NodeDown down -> "DOWN " + down.node() + " " + down.reason();
                case ClusterEvent.Refreshed refreshed -> "REFRESHED " + Cluster.describe(refreshed.result());
                default -> event.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
            };
            System.out.println(line);
            System.out.flush();
        }).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // commands are not needed; the loop ends when the test JVM closes our standard input
        }
        node.close();
        System.exit(0);
    }
}
