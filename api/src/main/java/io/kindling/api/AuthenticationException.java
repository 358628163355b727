package io.kindling.api;

/** The handshake with a peer failed because the two nodes do not share the same cookie. Nothing ran. */
public class AuthenticationException extends KindlingException {

    /**
     * An authentication failure.
     *
     * @param message which peer, and what to check
     */
    public AuthenticationException(String message) {
        super(message);
    }
}
