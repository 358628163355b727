package io.kindling.api;

import java.util.Objects;

/**
 * A change in the connection to another node, delivered to {@link Node#monitor} listeners in the order it
 * happened, on one event thread per node.
 */
public sealed interface NodeEvent {

    /** {@return the node the event is about} */
    NodeName node();

    /**
     * A node connected and authenticated.
     *
     * @param node the node
     * @param attributes the attributes it carries
     */
    record NodeUp(NodeName node, NodeAttributes attributes) implements NodeEvent {
        /** Checks the parts are present. */
        public NodeUp {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(attributes, "attributes");
        }
    }

    /**
     * A connected node went away: its connection closed, it stayed silent past the heartbeat timeout, or it was
     * disconnected on purpose. Every call pending on it has failed with {@link NodeDownException}.
     *
     * @param node the node
     * @param reason why, in words (for example {@code "connection closed by peer"} or {@code "no heartbeat for 5000
     *     ms"})
     */
    record NodeDown(NodeName node, String reason) implements NodeEvent {
        /** Checks the parts are present. */
        public NodeDown {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
