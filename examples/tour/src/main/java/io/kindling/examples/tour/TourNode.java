package io.kindling.examples.tour;

import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import java.io.IOException;
import java.time.Duration;

/**
 * One node of the tour's cluster, in a JVM of its own: joins the cluster through the tour's port mapper, in its
 * region, prints {@code READY}, and runs until its standard input ends (so it never outlives the tour).
 */
public final class TourNode {

    private TourNode() {
    }

    /**
     * Runs the node.
     *
     * @param args the node's name, its region, the port mapper's port; the cookie comes from KINDLING_COOKIE
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        try (KindlingNode node = Tour.nodeBuilder(args[0], args[1], Integer.parseInt(args[2])).start();
                Cluster cluster = Cluster.builder(node).strategy("local-epmd")
                        .pollInterval(Duration.ofMillis(500)).start()) {
            System.out.println("READY " + node.address());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the tour closes our input, or dies
            }
        }
    }
}
