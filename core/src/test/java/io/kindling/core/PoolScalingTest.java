package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.api.PluginNotFoundException;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolEvent;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pool's size over its life, on the {@code local} backend: runners kept for {@code min} that stop when idle, idle
 * checks on the runner, {@code resize} while calls run, and scaling policies (an instance reading a signal, and
 * {@code headroom} found by name).
 */
class PoolScalingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Gates, flags and counters that tasks reach by name: runners share this JVM. */
    static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();
    static final Map<String, AtomicBoolean> FLAGS = new ConcurrentHashMap<>();

    @RegisterExtension
    final Closer closer = new Closer();
    private KindlingNode parent;

    @BeforeEach
    void startParent() {
        parent = closer.add(KindlingNode.builder().name("scaling-parent@127.0.0.1").cookie("pool-scaling-test")
                .set("kindling.scaling-policy.headroom.spare", "2").start());
    }

    @AfterEach
    void openGates() {
        Gates.openAll();
    }

    private Pool start(io.kindling.core.pool.PoolBuilder builder) {
        return closer.add(builder.start());
    }



    private static long shrinks(List<PoolEvent> events, String reasonPart) {
        return events.stream().filter(e -> e instanceof PoolEvent.Shrank s && s.reason().contains(reasonPart))
                .count();
    }

    @Test
    void minRunnersStopAfterMinIdleShutdownAfterAndTheNextCallBootsThemBack() throws Exception {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("sleepy").min(2).max(3)
                .minIdleShutdownAfter(Duration.ofMillis(300)).listener(events::add));
        Await.until("min runners boot at start", WAIT, pool::toString, () -> pool.runners().size() == 2);
        Await.until("min runners stop once idle", WAIT, events::toString, () -> pool.runners().isEmpty()
                && shrinks(events, "min-idle-shutdown-after") == 2);
        assertEquals("back", pool.call(() -> "back"));
        Await.until("a call boots the pool back to min", WAIT, pool::toString, () -> pool.runners().size() == 2);
        Await.until("and they sleep again", WAIT, pool::toString, () -> pool.runners().isEmpty());
    }

    @Test
    void anIdleRunnerStopsOnlyWhenItsCheckAgrees() throws Exception {
        COUNTERS.put("asked", new AtomicInteger());
        FLAGS.put("may-stop", new AtomicBoolean(false));
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("checked").max(1).idleShutdownAfter(Duration.ofMillis(100))
                .idleShutdownCheck(() -> {
                    COUNTERS.get("asked").incrementAndGet();
                    return FLAGS.get("may-stop").get();
                }).listener(events::add));
        NodeName runner = NodeName.parse(pool.call(() -> KindlingNode.current().orElseThrow().name().toString()));
        Await.until("asked three times, saying no", WAIT, () -> COUNTERS.get("asked").get() >= 3);
        assertEquals(List.of(runner), pool.runners(), "a runner whose check says no stays");
        FLAGS.get("may-stop").set(true);
        Await.until("stops once its check agrees", WAIT, events::toString, () -> pool.runners().isEmpty()
                && shrinks(events, "idle") == 1);
    }

    @Test
    void resizeStopsRunnersOverAnewMaxWithoutLosingCallsAndBootsAnewMin() throws Exception {
        Pool pool = start(Pool.builder(parent).name("resized").max(4).maxConcurrency(1)
                .idleShutdownAfter(Duration.ofSeconds(60)));
        Gates.gate("resized");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(pool.callAsync(() -> Gates.waitAt("resized")));
        }
        Await.until("four busy runners", WAIT, pool::toString, () -> pool.metrics().busy() == 4);
        pool.resize(0, 2);
        assertEquals(2, pool.max());
        CompletableFuture<String> later = pool.callAsync(() -> "after the resize");
        Await.until("the new call waits: retiring runners take none", WAIT, pool::toString,
                () -> pool.queued() == 1);
        assertEquals(4, pool.runners().size(), "busy runners finish their calls first");
        Gates.gate("resized").countDown();
        for (CompletableFuture<String> call : calls) {
            assertTrue(call.get(20, TimeUnit.SECONDS).startsWith("resized-runner-"));
        }
        assertEquals("after the resize", later.get(20, TimeUnit.SECONDS));
        Await.until("two runners left", WAIT, pool::toString, () -> pool.runners().size() == 2);
        pool.resize(3, 5);
        Await.until("a larger min boots at once", WAIT, pool::toString, () -> pool.runners().size() == 3);
        assertThrows(IllegalArgumentException.class, () -> pool.resize(4, 3));
        assertEquals(3, pool.min());
    }

    @Test
    void raisingMaxAgainKeepsTheRunnersALowerMaxRetired() throws Exception {
        Pool pool = start(Pool.builder(parent).name("regrown").max(3).maxConcurrency(1)
                .idleShutdownAfter(Duration.ofSeconds(60)));
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(pool.callAsync(() -> Gates.waitAt("regrown")));
        }
        Await.until("three busy runners", WAIT, pool::toString, () -> pool.metrics().busy() == 3);
        pool.resize(0, 1);
        pool.resize(0, 3);
        Gates.gate("regrown").countDown();
        for (CompletableFuture<String> call : calls) {
            call.get(20, TimeUnit.SECONDS);
        }
        assertEquals(3, pool.runners().size(), "none of them was stopped as over max");
    }

    @Test
    void aPolicyReadingAnApplicationSignalPrewarmsRunners() throws Exception {
        AtomicInteger wanted = new AtomicInteger();
        Pool pool = start(Pool.builder(parent).name("signalled").max(4).idleShutdownAfter(Duration.ofMillis(200))
                .scalingInterval(Duration.ofSeconds(60)).scalingPolicy(state -> wanted.get()));
        wanted.set(3);
        pool.rescale(); // the signal changed: ask now, not in a minute
        Await.until("three runners booted ahead of any call", WAIT, pool::toString,
                () -> pool.runners().size() == 3);
        wanted.set(99);
        pool.rescale();
        Await.until("never more than max", WAIT, pool::toString, () -> pool.runners().size() == 4);
        wanted.set(1);
        pool.rescale();
        Await.until("idle runners over the target stop", WAIT, pool::toString, () -> pool.runners().size() == 1);
    }

    @Test
    void headroomFoundByNameKeepsSpareRunnersAheadOfTheLoad() throws Exception {
        Pool pool = start(Pool.builder(parent).name("roomy").max(5).maxConcurrency(1)
                .idleShutdownAfter(Duration.ofMillis(200)).scalingPolicy("headroom")
                .scalingInterval(Duration.ofMillis(50)));
        Await.until("two spare runners while idle (spare = 2)", WAIT, pool::toString,
                () -> pool.runners().size() == 2);
        Gates.gate("roomy");
        CompletableFuture<String> busy = pool.callAsync(() -> Gates.waitAt("roomy"));
        Await.until("one busy and two spare", WAIT, pool::toString, () -> pool.runners().size() == 3);
        Gates.gate("roomy").countDown();
        busy.get(20, TimeUnit.SECONDS);
        Await.until("back to two spare", WAIT, pool::toString, () -> pool.runners().size() == 2);
    }

    @Test
    void aPolicyThatThrowsKeepsItsLastAnswer() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        AtomicInteger asked = new AtomicInteger();
        Pool pool = start(Pool.builder(parent).name("shaky").max(3).idleShutdownAfter(Duration.ofMillis(100))
                .scalingInterval(Duration.ofMillis(20)).scalingPolicy(state -> {
                    asked.incrementAndGet();
                    if (broken.get()) {
                        throw new IllegalStateException("the metrics backend is down");
                    }
                    return 2;
                }));
        Await.until("two runners", WAIT, pool::toString, () -> pool.runners().size() == 2);
        broken.set(true);
        int before = asked.get();
        Await.until("asked ten more times while failing", WAIT, () -> asked.get() >= before + 10);
        assertEquals(2, pool.runners().size(), "the last answer stands");
        assertEquals("still serving", pool.call(() -> "still serving"));
    }

    @Test
    void anUnknownPolicyNameIsRefusedAtStart() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class,
                () -> Pool.builder(parent).name("nameless").max(1).scalingPolicy("no-such-policy").start());
        assertTrue(e.getMessage().contains("no-such-policy"), e.getMessage());
        assertTrue(e.getMessage().contains("headroom") && e.getMessage().contains("on-demand"),
                "names the policies there are: " + e.getMessage());
    }
}
