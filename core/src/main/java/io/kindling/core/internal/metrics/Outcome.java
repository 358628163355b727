package io.kindling.core.internal.metrics;

import io.kindling.api.IncompatibleCodeException;
import io.kindling.api.NodeDownException;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.TooManyTasksException;
import java.util.concurrent.CancellationException;

/**
 * How a call ended, for counts and JFR events.
 *
 * <p>Internal: not part of Kindling's API.
 */
public enum Outcome {
    /** Answered with a result. */
    OK,
    /** The task threw, or something could not be encoded or decoded. */
    FAILED,
    /** The caller's timeout ran out. */
    TIMED_OUT,
    /** The task did not run: incompatible code, or too many tasks. */
    REFUSED,
    /** The connection closed while the call was pending. */
    NODE_DOWN,
    /** The caller gave up, or the served task was cancelled. */
    CANCELLED;

    /**
     * {@return the outcome a caller's failure stands for}
     *
     * @param failure what the call failed with
     */
    public static Outcome of(Throwable failure) {
        return switch (failure) {
            case RpcTimeoutException t -> TIMED_OUT;
            case NodeDownException d -> NODE_DOWN;
            case IncompatibleCodeException i -> REFUSED;
            case TooManyTasksException t -> REFUSED;
            case CancellationException c -> CANCELLED;
            default -> FAILED;
        };
    }
}
