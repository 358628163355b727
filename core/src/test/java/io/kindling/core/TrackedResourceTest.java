package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolEvent;
import io.kindling.core.pool.Tracked;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resources that outlive a call (FLAME's {@code track_resources}), on the {@code local} backend: a handle returned
 * from a task keeps its runner up past the idle time until it is released, dropped or the pool stops, and the
 * runner releases the resource each time.
 */
class TrackedResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Released resources by name: runners share this JVM. */
    static final Map<String, AtomicInteger> RELEASED = new ConcurrentHashMap<>();

    @RegisterExtension
    final Closer closer = new Closer();
    private KindlingNode parent;

    @BeforeEach
    void startParent() {
        parent = closer.add(KindlingNode.builder().name("tracked-parent@127.0.0.1").cookie("tracked-test").start());
    }

    /** A task that opens a named resource on its runner and hands back its handle. */
    private static Tracked<String> open(String name) {
        RELEASED.putIfAbsent(name, new AtomicInteger());
        return Tracked.of(name, () -> RELEASED.get(name).incrementAndGet());
    }

    private static String here() {
        return KindlingNode.current().orElseThrow().name().toString();
    }

    @Test
    void aHandleKeepsItsRunnerPastIdleUntilReleased() throws Exception {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = closer.add(Pool.builder(parent).name("keeper").max(2).maxConcurrency(1)
                .idleShutdownAfter(Duration.ofMillis(150)).listener(events::add).start());
        // Two runners at once: one hands out a resource, the other does not.
        var tracked = pool.callAsync(() -> {
            Thread.sleep(300);
            return open("keeper-file");
        });
        var plain = pool.callAsync(() -> {
            Thread.sleep(300);
            return here();
        });
        Tracked<String> handle = tracked.get();
        NodeName plainRunner = NodeName.parse(plain.get());
        assertEquals("keeper-file", handle.value());
        assertTrue(handle.isHeld());
        Await.until("the runner without a resource stops when idle", WAIT, events::toString, () -> events.stream()
                .anyMatch(e -> e instanceof PoolEvent.Shrank s && s.runner().equals(plainRunner)));
        assertEquals(List.of(handle.runner()), pool.runners(), "the holder stays past its idle time");
        assertEquals(0, RELEASED.get("keeper-file").get());
        // The handle can go back to a task; it does not lease again.
        assertEquals("keeper-file!", pool.call(() -> handle.value() + "!"));
        handle.release();
        assertFalse(handle.isHeld());
        Await.until("the runner released the resource", WAIT, () -> RELEASED.get("keeper-file").get() == 1);
        Await.until("then it stops when idle", WAIT, pool::toString, () -> pool.runners().isEmpty());
        handle.release(); // again: nothing
        assertEquals(1, RELEASED.get("keeper-file").get());
    }

    @Test
    void aDroppedHandleIsReleasedByTheGarbageCollector() throws Exception {
        // A long idle time: only the collector can release it here.
        Pool pool = closer.add(Pool.builder(parent).name("dropper").max(1)
                .idleShutdownAfter(Duration.ofMinutes(5)).start());
        pool.call(() -> open("dropped-file")); // the result is not kept
        Await.until("released once the handle is unreachable", WAIT, () -> {
            System.gc();
            return RELEASED.get("dropped-file").get() == 1;
        });
        assertEquals(1, pool.runners().size(), "released by the collector, not by a stopping runner");
    }

    @Test
    void stoppingThePoolReleasesWhatItsRunnersHold() throws Exception {
        Pool pool = Pool.builder(parent).name("closing").max(1).start();
        Tracked<String> handle = pool.call(() -> open("closing-file"));
        pool.shutdown();
        Await.until("the runner released it as it closed", WAIT, () -> RELEASED.get("closing-file").get() == 1);
        assertFalse(handle.isHeld(), "its runner is gone");
        handle.release();
        assertEquals(1, RELEASED.get("closing-file").get());
    }

    @Test
    void trackingOutsideARunnerIsRefused() {
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> Tracked.of("x", () -> { }));
        assertTrue(outside.getMessage().contains("pool's runner"), outside.getMessage());
    }
}
