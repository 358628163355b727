package io.kindling.api;

import java.util.Objects;

/**
 * A node refused a call because it already runs as many tasks for the caller's node as it allows
 * ({@code kindling.tasks.max-per-peer}, default 10,000). The task did not run; retrying later is safe. The bound
 * keeps one peer, buggy or hostile, from exhausting a node with tasks that never end.
 */
public class TooManyTasksException extends KindlingException {

    /** The node that refused the call. */
    private final NodeName node;
    /** That node's limit of running tasks per peer. */
    private final int limit;

    /**
     * A refusal.
     *
     * @param node the node that refused the call
     * @param limit its limit of tasks per peer
     */
    public TooManyTasksException(NodeName node, int limit) {
        super("Node " + node + " refused a call: it already runs " + limit + " tasks for this node"
                + " (kindling.tasks.max-per-peer on " + node + "). The task did not run; retry later, wait for"
                + " earlier calls, or raise the limit there.");
        this.node = Objects.requireNonNull(node, "node");
        this.limit = limit;
    }

    /** {@return the node that refused the call} */
    public NodeName node() {
        return node;
    }

    /** {@return that node's limit of running tasks per peer} */
    public int limit() {
        return limit;
    }
}
