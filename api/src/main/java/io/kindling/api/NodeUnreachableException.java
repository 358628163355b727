package io.kindling.api;

/** No connection could be made to a node. The message says the host, the port and the operating system's
 * error (or why no address was known). */
public class NodeUnreachableException extends KindlingException {

    /** The node that could not be reached. */
    private final NodeName node;

    /**
     * A node could not be reached.
     *
     * @param node the node
     * @param message what failed, with host, port and the OS error
     * @param cause the I/O error, or {@code null}
     */
    public NodeUnreachableException(NodeName node, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
    }

    /** {@return the node that could not be reached} */
    public NodeName node() {
        return node;
    }
}
