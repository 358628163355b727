package io.kindling.api;

import java.io.Serializable;

/**
 * A task that runs on another node and returns a result. Being {@link Serializable} and functional, a lambda
 * can be shipped: {@code node.call(peer, () -> Runtime.getRuntime().availableProcessors(), timeout)}.
 *
 * <p>The task's class, and the classes of what it captures and returns, must be on the remote node's module path
 * or class path too, and must pass the codec's deserialization filter there.
 *
 * @param <T> the result type; must be serializable, or {@code null}
 */
@FunctionalInterface
public interface RemoteCallable<T> extends Serializable {

    /**
     * Runs on the remote node, on a virtual thread that is interrupted when the caller's timeout expires.
     *
     * @return the result, sent back to the caller
     * @throws Exception any failure; it reaches the caller as the cause of a {@link RemoteExecutionException}
     */
    T call() throws Exception;
}
