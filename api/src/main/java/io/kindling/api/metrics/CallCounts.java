package io.kindling.api.metrics;

import java.io.Serializable;
/**
 * Calls by how they ended, counted since the node started. For calls this node made, the outcome is the caller's;
 * for calls it served, the answer it sent.
 *
 * @param ok answered with a result
 * @param failed the task threw (or its result or task could not be encoded or decoded)
 * @param timedOut the caller's timeout ran out first
 * @param refused the task did not run: incompatible code, or too many tasks for that peer
 * @param nodeDown the connection closed while the call was pending
 * @param cancelled the caller gave up (a cancel, an interrupt), or the served task was cancelled
 */
public record CallCounts(long ok, long failed, long timedOut, long refused, long nodeDown, long cancelled)
        implements Serializable {

    /** No calls. */
    public static final CallCounts NONE = new CallCounts(0, 0, 0, 0, 0, 0);

    /** {@return every call, whatever its outcome} */
    public long total() {
        return ok + failed + timedOut + refused + nodeDown + cancelled;
    }

    /**
     * {@return both counts added}
     *
     * @param other more counts
     */
    public CallCounts plus(CallCounts other) {
        return new CallCounts(ok + other.ok, failed + other.failed, timedOut + other.timedOut,
                refused + other.refused, nodeDown + other.nodeDown, cancelled + other.cancelled);
    }
}
