package io.kindling.testing;

import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Kindling node with a cluster, as a process of its own: for tests of discovery strategies and other multi-JVM
 * behaviour. Run it with the settings as arguments ({@link #arguments}) on a class path holding core and the
 * strategy. Without {@code kindling.cluster.strategy} it runs the node alone, with no cluster. It prints
 * {@code READY <port>}, then one line per cluster event ({@code UP <node>},
 * {@code DOWN <node> <reason>}, {@code REFRESHED <outcome>}), and exits when its standard input ends, so it never
 * outlives the JVM that started it.
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {
    }

    /**
     * The arguments that start a node named {@code name@127.0.0.1}.
     *
     * @param name the node's name part
     * @param cookie the cookie
     * @param settings more {@code key=value} configuration, e.g. {@code kindling.cluster.strategy=jgroups}
     * @return the arguments, for {@link #main}
     */
    public static List<String> arguments(String name, String cookie, String... settings) {
        List<String> arguments = new ArrayList<>(List.of("kindling.node.name=" + name + "@127.0.0.1",
                "kindling.cookie=" + cookie));
        arguments.addAll(List.of(settings));
        return arguments;
    }

    /**
     * Runs the node until standard input ends.
     *
     * @param args {@code key=value} settings
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        System.out.println("READY " + node.address().port());
        System.out.flush();
        if (node.config().get("kindling.cluster.strategy").filter(name -> !name.isBlank()).isEmpty()) {
            awaitEndOfInput(node); // no strategy: a plain node, for tests of transports and handshakes
            return;
        }
        Cluster.builder(node).listener(event -> {
            String line = switch (event) {
                case ClusterEvent.NodeUp up -> "UP " + up.node();
                case ClusterEvent.NodeDown down -> "DOWN " + down.node() + " " + down.reason();
                case ClusterEvent.Refreshed refreshed -> "REFRESHED " + RefreshResult.describe(refreshed.result());
                default -> event.getClass().getSimpleName().toUpperCase(Locale.ROOT);
            };
            System.out.println(line);
            System.out.flush();
        }).start();
        awaitEndOfInput(node);
    }

    private static void awaitEndOfInput(KindlingNode node) throws java.io.IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // nothing to read; the end of input means the test JVM is gone
        }
        node.close();
        System.exit(0);
    }
}
