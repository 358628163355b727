package io.kindling.core.internal.pool;

import io.kindling.api.RemoteRunnable;

/**
 * The tasks a pool sends its runners. They are records of this class, which the codec always decodes (like core's
 * system tasks), whatever {@code kindling.codec.java.allow-packages} says: a lambda of the pool's own would be
 * refused by a runner whose application narrowed that list.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class RunnerTasks {

    private RunnerTasks() {
    }

    /** Tells an idle runner kept for the pool's floor that it is still wanted (its idle failsafe starts again). */
    record KeepAlive() implements RemoteRunnable {
        @Override
        public void run() {
            // arriving is the message
        }
    }

    /**
     * Releases one tracked resource on the runner.
     *
     * @param id the handle's id
     */
    record Release(String id) implements RemoteRunnable {
        @Override
        public void run() {
            TrackedResources.releaseHeld(id);
        }
    }
}
