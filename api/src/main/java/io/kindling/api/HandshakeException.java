package io.kindling.api;

/**
 * A connection was refused during the handshake for a reason other than the cookie: an unknown protocol version,
 * a name that is not the one dialed, a name already in use, a malformed or oversized handshake, or a handshake that
 * did not finish in time. Nothing ran.
 */
public class HandshakeException extends KindlingException {

    /**
     * A handshake failure.
     *
     * @param message what was refused and why
     */
    public HandshakeException(String message) {
        super(message);
    }

    /**
     * A handshake failure with its cause.
     *
     * @param message what was refused and why
     * @param cause the underlying failure
     */
    public HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
