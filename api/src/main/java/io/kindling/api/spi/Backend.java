package io.kindling.api.spi;

import io.kindling.api.NodeName;

/**
 * Boots runner nodes for a pool: starts a process, thread or machine that runs core's runner entry point with the
 * {@link RunnerSpec}. The runner connects back to the parent by itself; the pool waits for that, so
 * {@link #boot} returns as soon as the runner is started. Implementations are thread-safe.
 */
public interface Backend extends AutoCloseable {

    /**
     * The name of the next runner, asked just before its {@link #boot}, which gets a spec with the name returned.
     * The pool proposes a name on its parent's host; a backend that starts runners on other hosts chooses the host
     * here and returns the proposed name on it, since a runner listens on its name's host. Called under the pool's
     * lock: it must answer at once.
     *
     * @param proposed the pool's name for the runner, on the parent's host
     * @return the name the runner takes; by default the proposed one
     */
    default NodeName runnerName(NodeName proposed) {
        return proposed;
    }

    /**
     * Starts one runner.
     *
     * @param spec what to start
     * @return a handle to watch and stop it
     * @throws Exception if it could not be started; the pool retries with backoff
     */
    RunnerHandle boot(RunnerSpec spec) throws Exception;

    /** Stops whatever the backend still runs and releases its resources; must not throw. */
    @Override
    default void close() {
    }
}
