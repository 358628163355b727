package io.kindling.examples.twonodes;

import io.kindling.core.KindlingNode;

/**
 * The second node of the demo: name and cookie come from the environment ({@code KINDLING_NODE_NAME},
 * {@code KINDLING_COOKIE}). Prints {@code READY <port>} and runs until its standard input ends.
 */
public final class Responder {

    private Responder() {
    }

    public static void main(String[] args) throws Exception {
        try (KindlingNode node = KindlingNode.builder().set("kindling.node.port", "0").start()) {
            System.out.println("READY " + node.address().port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our standard input, or to die
            }
        }
    }
}
