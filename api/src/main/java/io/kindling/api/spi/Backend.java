package io.kindling.api.spi;

/**
 * Boots runner nodes for a pool: starts a process, thread or machine that runs core's runner entry point with the
 * {@link RunnerSpec}. The runner connects back to the parent by itself; the pool waits for that, so
 * {@link #boot} returns as soon as the runner is started. Implementations are thread-safe.
 */
public interface Backend extends AutoCloseable {

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
