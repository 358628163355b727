package io.kindling.api;

/**
 * A remote task threw. The {@linkplain #getCause() cause} is the remote exception, with the stack trace it had on
 * the remote node; when its class could not be sent or is unknown here, the cause is a {@link RemoteFailure}
 * carrying the original class name, message and stack trace.
 */
public class RemoteExecutionException extends KindlingException {

    /** The node the task ran on. */
    private final NodeName node;

    /**
     * A task threw on a node; the cause is its exception, with the remote stack.
     *
     * @param node the node the task ran on
     * @param cause the remote exception
     */
    public RemoteExecutionException(NodeName node, Throwable cause) {
        super("Task on " + node + " failed: " + cause, cause);
        this.node = node;
    }

    /** {@return the node the task ran on} */
    public NodeName node() {
        return node;
    }
}
