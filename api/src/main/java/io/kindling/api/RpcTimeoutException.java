package io.kindling.api;

import java.time.Duration;

/** A call's timeout expired before its result came back; the remote task was told to stop (interrupted). */
public class RpcTimeoutException extends KindlingException {

    private final NodeName node;
    private final Duration timeout;

    /**
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
