package io.kindling.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Named gates that tasks on {@code local} runners wait at. A task must be serializable, so it reaches a gate by
 * name; runners share this JVM, so the name finds the test's gate.
 */
final class Gates {

    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private Gates() {
    }

    /** {@return the gate of that name, closed until its first countDown} */
    static CountDownLatch gate(String name) {
        return GATES.computeIfAbsent(name, unused -> new CountDownLatch(1));
    }

    /**
     * Waits at a gate (at most 30 s), then answers the name of the runner the calling task runs on.
     *
     * @param name the gate
     * @return the runner's name
     * @throws InterruptedException if interrupted while waiting
     */
    static String waitAt(String name) throws InterruptedException {
        if (!gate(name).await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + name + " never opened");
        }
        return KindlingNode.current().orElseThrow().name().toString();
    }

    /** Opens every gate: after each test, so that no task stays blocked while its pool closes. */
    static void openAll() {
        GATES.values().forEach(gate -> {
            while (gate.getCount() > 0) {
                gate.countDown();
            }
        });
    }
}
