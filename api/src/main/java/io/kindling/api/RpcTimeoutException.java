package io.kindling.api;

import java.time.Duration;

/** A call's timeout expired before its result came back; the remote task was told to stop (interrupted). */
public class RpcTimeoutException extends KindlingException {

    /** The node the call went to. */
    private final NodeName node;
    /** The timeout that expired. */
    private final Duration timeout;

    /**
     * A call, ping or connect did not finish in time.
     *
     * @param node the node the call went to
     * @param timeout the timeout that expired
     * @param what what timed out, e.g. {@code "call"} or {@code "ping"}
     */
    public RpcTimeoutException(NodeName node, Duration timeout, String what) {
        super(what + " to " + node + " timed out after " + timeout.toMillis() + " ms");
        this.node = node;
        this.timeout = timeout;
    }

    /** {@return the node the call went to} */
    public NodeName node() {
        return node;
    }

    /** {@return the timeout that expired} */
    public Duration timeout() {
        return timeout;
    }
}
