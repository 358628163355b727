package io.kindling.core;

import io.kindling.api.RemoteCallable;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks the hostile-payload tests send to a child node, which has this class on its class path too. */
final class HostileTasks {

    /** Sleeping tasks running in this JVM. */
    static final AtomicInteger SLEEPING = new AtomicInteger();

    private HostileTasks() {
    }

    /** Sleeps ten minutes unless interrupted, counted in {@link #SLEEPING} meanwhile. */
    static RemoteCallable<Integer> sleeper() {
        return () -> {
            SLEEPING.incrementAndGet();
            try {
                Thread.sleep(600_000);
            } finally {
                SLEEPING.decrementAndGet();
            }
            return 0;
        };
    }

    static RemoteCallable<Integer> sleeping() {
        return () -> SLEEPING.get();
    }

    /** The heap in use after full collections, in bytes. */
    static RemoteCallable<Long> heapAfterGc() {
        return () -> {
            Runtime runtime = Runtime.getRuntime();
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            return runtime.totalMemory() - runtime.freeMemory();
        };
    }

    static RemoteCallable<Integer> processors() {
        return () -> Runtime.getRuntime().availableProcessors();
    }

    /** Spins, never blocking, for the given time: holds a carrier thread of the virtual threads. */
    static RemoteCallable<Long> spin(long nanos) {
        return () -> {
            long end = System.nanoTime() + nanos;
            long spins = 0;
            while (System.nanoTime() < end) {
                spins++;
            }
            return spins;
        };
    }

    /** Returns the length of what it captured. */
    static RemoteCallable<Integer> length(byte[] bytes) {
        return () -> bytes.length;
    }

    /** {@return the live threads of the node that runs it} */
    static RemoteCallable<Integer> threads() {
        return () -> Thread.getAllStackTraces().size();
    }

    /** {@return the port the node that runs it listens on: which of two same-named nodes answered} */
    static RemoteCallable<Integer> port() {
        return () -> KindlingNode.current().orElseThrow().address().port();
    }
}
