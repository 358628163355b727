package io.kindling.api;

/** A call reached a pool that is shut down, or was still queued when the pool shut down. */
public class PoolShutdownException extends KindlingException {

    /**
     * A call refused or dropped because the pool shut down.
     *
     * @param message what was refused, with the pool's name
     */
    public PoolShutdownException(String message) {
        super(message);
    }
}
