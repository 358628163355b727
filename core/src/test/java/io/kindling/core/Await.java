package io.kindling.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline: no fixed sleeps in tests. */
final class Await {

    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        until(what, timeout, () -> "", condition);
    }

    static void until(String what, Duration timeout, java.util.function.Supplier<String> state,
            BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for " + what + "\n"
                        + state.get());
            }
            Thread.sleep(10);
        }
    }
}
