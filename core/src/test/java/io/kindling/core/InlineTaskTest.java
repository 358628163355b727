package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task class that proved quick runs on the connection's reader; when such a task blocks, the reader's job passes
 * to a new thread within milliseconds, so other calls and heartbeats on the connection go on, and the class runs on
 * virtual threads from then on.
 */
class InlineTaskTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long the task sleeps, in ms: 0 while it is quick. */
    static final AtomicLong SLEEP = new AtomicLong();

    @RegisterExtension
    final Closer closer = new Closer();

    /** Sleeps {@link #SLEEP} ms, then names the thread it ran on: "virtual", or a reader's name. */
    static String runOn() throws InterruptedException {
        long sleep = SLEEP.get();
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        Thread thread = Thread.currentThread();
        return thread.isVirtual() ? "virtual" : thread.getName();
    }

    /** Task classes of their own, each judged quick or not by its own runs (the node keeps a record per class). */
    record First() implements RemoteCallable<String> {
        @Override
        public String call() throws InterruptedException {
            return runOn();
        }
    }

    record Second() implements RemoteCallable<String> {
        @Override
        public String call() throws InterruptedException {
            return runOn();
        }
    }

    record Third() implements RemoteCallable<String> {
        @Override
        public String call() throws InterruptedException {
            return runOn();
        }
    }

    @Test
    void quickTasksRunOnTheReaderUntilOneBlocks() {
        KindlingNode a = closer.add(KindlingNode.builder().name("inline-a@127.0.0.1").cookie("inline")
                .set("kindling.heartbeat.interval", "100ms").set("kindling.heartbeat.timeout", "500ms").start());
        KindlingNode b = closer.add(KindlingNode.builder().name("inline-b@127.0.0.1").cookie("inline")
                .set("kindling.heartbeat.interval", "100ms").set("kindling.heartbeat.timeout", "500ms").start());
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        a.monitor(events::add);
        NodeName peer = a.connect(b.address());
        // The node judges a class quick from its runs' moving average (under 20 µs): one slow run on a loaded
        // machine (a GC, a preemption) can take a class off the reader just before the blocking call. Then the
        // scenario is tried again with a class of its own; what is asserted holds for the class that ran inline.
        String blockedOn = "";
        RemoteCallable<String> task = null;
        for (RemoteCallable<String> candidate : List.<RemoteCallable<String>>of(new First(), new Second(),
                new Third())) {
            task = candidate;
            SLEEP.set(0);
            assertEquals("virtual", a.call(peer, task, TIMEOUT), "a class runs on virtual threads at first");
            String name = "";
            for (int i = 0; i < 100 && !name.startsWith("kindling-read-"); i++) {
                name = a.call(peer, task, TIMEOUT);
            }
            assertTrue(name.startsWith("kindling-read-"), "after quick runs it runs on the reader: " + name);

            SLEEP.set(1_500); // three heartbeat timeouts
            CompletableFuture<String> blocked = a.callAsync(peer, task, TIMEOUT);
            long started = System.nanoTime();
            assertEquals(3, a.call(peer, () -> 1 + 2, TIMEOUT), "another call is served meanwhile");
            long servedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(servedAfter < 1_000, "served after " + servedAfter + " ms, not before the blocked task ended");
            blockedOn = blocked.join();
            if (blockedOn.startsWith("kindling-read-")) {
                break;
            }
        }
        assertTrue(blockedOn.startsWith("kindling-read-"), "the blocked task kept its (displaced) thread: " + blockedOn);
        assertTrue(events.stream().noneMatch(e -> e instanceof NodeEvent.NodeDown), events.toString());

        SLEEP.set(0);
        for (int i = 0; i < 50; i++) {
            assertEquals("virtual", a.call(peer, task, TIMEOUT), "a class that blocked stays off the reader");
        }
    }

    /** How long {@link #interruptible()} sleeps, in ms, and whether a sleep of it was interrupted. */
    static final AtomicLong LONG_SLEEP = new AtomicLong();
    static final java.util.concurrent.atomic.AtomicBoolean INTERRUPTED = new java.util.concurrent.atomic.AtomicBoolean();

    static RemoteCallable<String> interruptible() {
        return () -> {
            long sleep = LONG_SLEEP.get();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    INTERRUPTED.set(true);
                    throw e;
                }
            }
            Thread thread = Thread.currentThread();
            return thread.isVirtual() ? "virtual" : thread.getName();
        };
    }

    @Test
    void aTimeoutStopsATaskWhoseReaderWasReplaced() throws Exception {
        KindlingNode a = closer.add(KindlingNode.builder().name("cancel-a@127.0.0.1").cookie("inline").start());
        KindlingNode b = closer.add(KindlingNode.builder().name("cancel-b@127.0.0.1").cookie("inline").start());
        NodeName peer = a.connect(b.address());
        LONG_SLEEP.set(0);
        String name = "";
        for (int i = 0; i < 100 && !name.startsWith("kindling-read-"); i++) {
            name = a.call(peer, interruptible(), TIMEOUT);
        }
        assertTrue(name.startsWith("kindling-read-"), "after quick runs it runs on the reader: " + name);
        LONG_SLEEP.set(60_000);
        INTERRUPTED.set(false);
        assertThrows(RpcTimeoutException.class, () -> a.call(peer, interruptible(), Duration.ofMillis(500)));
        Await.until("the task, displaced from the reader, is interrupted by the caller's CANCEL",
                Duration.ofSeconds(10), INTERRUPTED::get);
        assertEquals(3, a.call(peer, () -> 1 + 2, TIMEOUT));
    }
}
