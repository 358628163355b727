package io.kindling.core.pool;

import io.kindling.api.NodeName;

/** What a {@link Pool} tells its listeners, in order, on the pool's event thread. */
public sealed interface PoolEvent {

    /** {@return the pool's name} */
    String pool();

    /** {@return the runner the event is about} */
    NodeName runner();

    /**
     * A boot began: the pool is growing (FLAME's {@code on_grow_start}); {@link Grew} or {@link BootFailed} follows.
     *
     * @param pool the pool
     * @param runner the runner being booted
     */
    record GrowStarted(String pool, NodeName runner) implements PoolEvent {
    }

    /**
     * A runner booted and connected: the pool grew.
     *
     * @param pool the pool
     * @param runner the runner
     * @param bootMillis how long the boot took, from the backend call to the runner's connection
     * @param runners how many runners the pool has now
     */
    record Grew(String pool, NodeName runner, long bootMillis, int runners) implements PoolEvent {
    }

    /**
     * A runner left the pool: stopped when idle, after single use or at shutdown, or lost.
     *
     * @param pool the pool
     * @param runner the runner
     * @param reason why, in words
     * @param runners how many runners the pool has now
     */
    record Shrank(String pool, NodeName runner, String reason, int runners) implements PoolEvent {
    }

    /**
     * A boot failed; the pool retries with backoff while there is demand.
     *
     * @param pool the pool
     * @param runner the runner that did not boot
     * @param error what went wrong
     */
    record BootFailed(String pool, NodeName runner, String error) implements PoolEvent {
    }
}
