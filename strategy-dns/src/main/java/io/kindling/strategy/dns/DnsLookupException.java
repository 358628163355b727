package io.kindling.strategy.dns;

import io.kindling.api.KindlingException;
import java.util.Objects;

/**
 * A DNS lookup failed. The {@linkplain #kind() kind} tells why; the message names the query, the record type and
 * the name servers asked. A cluster reports it as a discovery error and keeps its connections.
 */
public class DnsLookupException extends KindlingException {

    /** Why a lookup failed. */
    public enum Kind {
        /** The name does not exist (NXDOMAIN), under any search domain tried. */
        NO_SUCH_DOMAIN,
        /** No name server answered within the timeout. */
        TIMEOUT,
        /** The server could not answer (SERVFAIL). */
        SERVER_FAILURE,
        /** The server refused the query (REFUSED). */
        REFUSED,
        /** The server does not implement the query (NOTIMP). */
        NOT_IMPLEMENTED,
        /** The answer, or the query as the server saw it, was malformed (FORMERR, or an unreadable record). */
        MALFORMED_ANSWER,
        /** Anything else, e.g. no name server configured. */
        OTHER
    }

    /** Why the lookup failed. */
    private final Kind kind;

    /**
     * A DNS lookup failed.
     *
     * @param kind why
     * @param message what was asked of whom, and what happened
     * @param cause the resolver's error, or {@code null}
     */
    public DnsLookupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** {@return why the lookup failed} */
    public Kind kind() {
        return kind;
    }
}
