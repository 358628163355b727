package io.kindling.api;

import java.util.OptionalInt;

/**
 * A pool's runner died or was cut off while a call ran on it: the call failed at once. It is a
 * {@link NodeDownException}, so code that handles a node going down handles this too.
 */
public class RunnerLostException extends NodeDownException {

    /** The pool's name. */
    private final String pool;
    /** The runner process's exit code, when it was a process that exited. */
    private final OptionalInt exitCode;

    /**
     * A runner died or was cut off while a call ran on it.
     *
     * @param runner the runner node
     * @param pool the pool's name
     * @param reason why it went down, in words
     * @param exitCode the runner process's exit code, when it was a process that exited
     */
    public RunnerLostException(NodeName runner, String pool, String reason, OptionalInt exitCode) {
        super(runner, "runner of pool " + pool + " lost" + (exitCode.isPresent() ? " (exit code "
                + exitCode.getAsInt() + ")" : "") + ": " + reason);
        this.pool = pool;
        this.exitCode = exitCode;
    }

    /** {@return the pool's name} */
    public String pool() {
        return pool;
    }

    /** {@return the runner process's exit code, when known} */
    public OptionalInt exitCode() {
        return exitCode;
    }
}
