package io.kindling.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A pool call ran out of its timeout, which covers waiting for room and running. {@link #phase()} says where the
 * time went; for {@link Phase#BOOTING} the message carries the last boot error.
 */
public class PoolTimeoutException extends KindlingException {

    /** Where a call was when its timeout ran out. */
    public enum Phase {
        /** Waiting in the queue: every runner was full and the pool was at its maximum. */
        QUEUED,
        /** Waiting for a runner to boot (the message has the last boot error, if any). */
        BOOTING,
        /** Running on a runner; the remote task was interrupted. */
        RUNNING
    }

    /** The pool's name. */
    private final String pool;
    /** Where the call was when the timeout ran out. */
    private final Phase phase;
    /** The call's timeout. */
    private final Duration timeout;

    /**
     * A pool call's timeout ran out; the message says in which phase.
     *
     * @param pool the pool's name
     * @param phase where the call was
     * @param timeout the call's timeout
     * @param detail more about the state, e.g. the last boot error; may be empty
     * @param cause the underlying timeout, or {@code null}
     */
    public PoolTimeoutException(String pool, Phase phase, Duration timeout, String detail, Throwable cause) {
        super("Call on pool " + pool + " timed out after " + timeout.toMillis() + " ms while "
                + switch (phase) {
                    case QUEUED -> "queued: every runner was busy and the pool was at its maximum";
                    case BOOTING -> "waiting for a runner to boot";
                    case RUNNING -> "running on a runner (the task was interrupted)";
                } + (detail.isEmpty() ? "" : "; " + detail), cause);
        this.pool = pool;
        this.phase = Objects.requireNonNull(phase, "phase");
        this.timeout = timeout;
    }

    /** {@return the pool's name} */
    public String pool() {
        return pool;
    }

    /** {@return where the call was when the time ran out} */
    public Phase phase() {
        return phase;
    }

    /** {@return the call's timeout} */
    public Duration timeout() {
        return timeout;
    }
}
