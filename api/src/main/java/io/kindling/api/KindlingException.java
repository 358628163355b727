package io.kindling.api;

/**
 * The root of every exception Kindling throws. Unchecked, like the BEAM's exits: catch the subclass you can
 * handle.
 */
public class KindlingException extends RuntimeException {

    /**
     * A failure.
     *
     * @param message what went wrong and, where it helps, what to do
     */
    public KindlingException(String message) {
        super(message);
    }

    /**
     * A failure with its cause.
     *
     * @param message what went wrong and, where it helps, what to do
     * @param cause the underlying failure
     */
    public KindlingException(String message, Throwable cause) {
        super(message, cause);
    }
}
