package io.kindling.api;

/** The node went down (connection lost, heartbeat timeout, disconnected, or this node closed) while a call to it
 * was pending. The task may or may not have run. */
public class NodeDownException extends KindlingException {

    /** The node that went down. */
    private final NodeName node;

    /**
     * A node went down.
     *
     * @param node the node that went down
     * @param reason why, in words
     */
    public NodeDownException(NodeName node, String reason) {
        super("Node " + node + " went down: " + reason);
        this.node = node;
    }

    /** {@return the node that went down} */
    public NodeName node() {
        return node;
    }
}
