package io.kindling.strategy.epmd;

import io.kindling.api.KindlingException;

/**
 * A port mapper request failed: no port mapper answers at the address, it closed the connection, it answered
 * something that is not the EPMD protocol, or it refused a registration. The message says which, with the host and
 * port.
 */
public class EpmdException extends KindlingException {

    /**
     * A port mapper request failed.
     *
     * @param message what failed, with the port mapper's address
     * @param cause the underlying error, or {@code null}
     */
    public EpmdException(String message, Throwable cause) {
        super(message, cause);
    }
}
