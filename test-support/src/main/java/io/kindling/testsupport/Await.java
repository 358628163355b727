package io.kindling.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline: no fixed sleeps in tests. */
public final class Await {

    /** How often the condition is checked. */
    private static final Duration CHECK = Duration.ofMillis(10);

    private Await() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long to wait
     * @param condition the condition
     * @throws AssertionError if it did not hold in time
     * @throws InterruptedException if interrupted
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        until(what, timeout, () -> "", condition);
    }

    /**
     * Waits until the condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long to wait
     * @param state what to add to the failure message (read only when it fails)
     * @param condition the condition
     * @throws AssertionError if it did not hold in time
     * @throws InterruptedException if interrupted
     */
    public static void until(String what, Duration timeout, Supplier<String> state, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (state.get().isEmpty() ? "" : "\n" + state.get()));
            }
            Thread.sleep(CHECK);
        }
    }
}
