package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import io.kindling.api.NodeName;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.PoolTimeoutException;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RunnerLostException;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.internal.provider.LocalBackendProvider;
import io.kindling.core.pool.PlacedChild;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolBuilder;
import io.kindling.core.pool.PoolEvent;
import io.kindling.core.pool.Runner;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pools on the {@code local} backend: runners are real nodes in this JVM, connected over loopback sockets. */
class PoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Gates and flags that tasks, which must be serializable, reach by name: runners share this JVM. */
    static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

    @RegisterExtension
    final Closer closer = new Closer();
    private KindlingNode parent;

    @BeforeEach
    void startParent() {
        parent = closer.add(KindlingNode.builder().name("pool-parent@127.0.0.1").cookie("pool-test")
                .set("kindling.app.version", "7.1").set("kindling.heartbeat.timeout", "7s").start());
    }

    /** Runs before the closer closes the pools and the parent: no task stays blocked on a gate. */
    @AfterEach
    void openGates() {
        Gates.openAll();
    }

    private Pool start(PoolBuilder builder) {
        Pool pool = builder.start();
        closer.add(pool);
        return pool;
    }



    private static String here() {
        return KindlingNode.current().orElseThrow().name().toString();
    }

    @Test
    void growsToMaxUnderLoadQueuesBeyondAndServesTheQueueInOrder() throws Exception {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("grow").max(2).maxConcurrency(2).listener(events::add));
        Gates.gate("grow");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(pool.callAsync(() -> Gates.waitAt("grow")));
        }
        Await.until("two runners, two calls queued", WAIT, pool::toString,
                () -> pool.runners().size() == 2 && pool.queued() == 2);
        assertEquals(0, pool.booting(), "never more than max");
        Gates.gate("grow").countDown();
        Set<String> ran = new HashSet<>();
        for (CompletableFuture<String> call : calls) {
            ran.add(call.get(20, TimeUnit.SECONDS));
        }
        assertEquals(2, ran.size(), "calls spread over both runners: " + ran);
        Await.until("two grow events", WAIT, events::toString,
                () -> events.stream().filter(e -> e instanceof PoolEvent.Grew).count() == 2);
        assertTrue(ran.stream().allMatch(r -> r.startsWith("grow-runner-")), ran.toString());
    }

    @Test
    void runnersAnnounceTheParentsApplicationVersion() {
        Pool pool = start(Pool.builder(parent).name("versioned").max(1));
        NodeName runner = NodeName.parse(pool.call(PoolTest::here));
        assertEquals("7.1", parent.attributesOf(runner).orElseThrow().get("kindling.app.version").orElseThrow(),
                "a runner runs the parent's code, so it announces the parent's version");
    }

    @Test
    void aLocalRunnerTakesOnTheParentsConfigurationButNotItsNodeOrCookie() {
        Pool pool = start(Pool.builder(parent).name("configured").max(1));
        assertEquals("7s", pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.heartbeat.timeout", "")));
        assertTrue(pool.call(() -> KindlingNode.current().orElseThrow().config().getString("kindling.node.name", ""))
                .startsWith("configured-runner-"), "the runner's own name, not the parent's");
        assertTrue(!"pool-test".equals(pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.cookie", ""))), "the parent's cookie is not carried");
    }

    @Test
    void growAndShrinkCallbacksSeeEachRunner() throws InterruptedException {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("hooked").max(1).idleShutdownAfter(Duration.ofMillis(200))
                .onGrowStart(runner -> seen.add("start " + runner.name()))
                .onGrowEnd((runner, error) -> seen.add("end " + runner.name() + " " + error.orElse("ok")))
                .onShrink((runner, reason) -> seen.add("shrink " + runner.name() + " " + reason)));
        NodeName runner = NodeName.parse(pool.call(PoolTest::here));
        Await.until("the idle runner shrinks", WAIT, seen::toString, () -> seen.stream()
                .anyMatch(s -> s.startsWith("shrink ")));
        assertEquals(List.of("start " + runner.name(), "end " + runner.name() + " ok"), seen.subList(0, 2));
        assertTrue(seen.get(2).startsWith("shrink " + runner.name() + " idle"), seen.toString());
    }

    static final java.util.concurrent.CountDownLatch LONG_CAST_DONE = new java.util.concurrent.CountDownLatch(1);

    @Test
    void aCastIsNotBoundedByTheCallTimeout() throws InterruptedException {
        Pool pool = start(Pool.builder(parent).name("casting").max(1).callTimeout(Duration.ofMillis(200)));
        pool.cast(() -> {
            Thread.sleep(800); // four call timeouts
            LONG_CAST_DONE.countDown();
        });
        assertTrue(LONG_CAST_DONE.await(10, java.util.concurrent.TimeUnit.SECONDS),
                "a cast runs as long as it takes, as FLAME's does");
    }

    @Test
    void aNodesInfoListsItsPoolsWhileTheyRun() {
        Pool pool = start(Pool.builder(parent).name("listed").max(1));
        NodeName runner = NodeName.parse(pool.call(PoolTest::here));
        try (KindlingNode asker = KindlingNode.builder().name("pool-asker@127.0.0.1").cookie("pool-test").start()) {
            asker.connect(parent.address());
            NodeInfo info = asker.call(parent.name(), SystemTasks.info(), WAIT);
            assertEquals(parent.name(), info.name());
            assertEquals("7.1", info.appVersion());
            assertTrue(info.uptimeMillis() >= 0);
            assertTrue(info.connections().containsKey(asker.name()), info.connections().toString());
            assertEquals(List.of(new NodeInfo.PoolInfo("listed", List.of(runner), 0, 0)), info.pools());
            pool.shutdown();
            assertEquals(List.of(), asker.call(parent.name(), SystemTasks.info(), WAIT).pools(),
                    "a pool that shut down is not listed");
        }
    }

    @Test
    void aCallThatWaitsTooLongInTheQueueSaysSo() throws Exception {
        Pool pool = start(Pool.builder(parent).name("queue").max(1).maxConcurrency(1));
        Gates.gate("queue");
        CompletableFuture<String> holder = pool.callAsync(() -> Gates.waitAt("queue"));
        Await.until("the runner is busy", WAIT, () -> pool.runners().size() == 1 && pool.queued() == 0);
        PoolTimeoutException timeout = assertThrows(PoolTimeoutException.class,
                () -> pool.call(PoolTest::here, Duration.ofMillis(300)));
        assertEquals(PoolTimeoutException.Phase.QUEUED, timeout.phase());
        assertTrue(timeout.getMessage().contains("queued") && timeout.getMessage().contains("1 runners, all full"),
                timeout.getMessage());
        Gates.gate("queue").countDown();
        assertTrue(holder.get(20, TimeUnit.SECONDS).startsWith("queue-runner-"));
    }

    @Test
    void runningPastTheTimeoutInterruptsTheTaskAndSaysSo() {
        Pool pool = start(Pool.builder(parent).name("slow").max(1));
        PoolTimeoutException timeout = assertThrows(PoolTimeoutException.class, () -> pool.call(() -> {
            Thread.sleep(60_000);
            return "never";
        }, Duration.ofSeconds(2)));
        assertEquals(PoolTimeoutException.Phase.RUNNING, timeout.phase(), timeout.getMessage());
    }

    @Test
    void idleRunnersBeyondMinStopAndMinRunnersBootAtStart() throws Exception {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("idle").min(1).max(3).maxConcurrency(1)
                .idleShutdownAfter(Duration.ofMillis(300)).listener(events::add));
        Await.until("min runner booted at start", WAIT, () -> pool.runners().size() == 1);
        Gates.gate("idle");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(pool.callAsync(() -> Gates.waitAt("idle")));
        }
        Await.until("three runners", WAIT, () -> pool.runners().size() == 3);
        Gates.gate("idle").countDown();
        for (CompletableFuture<String> call : calls) {
            call.get(20, TimeUnit.SECONDS);
        }
        Await.until("back to min", WAIT, pool::toString, () -> pool.runners().size() == 1);
        Await.until("two idle shrink events", WAIT, events::toString, () -> events.stream()
                .filter(e -> e instanceof PoolEvent.Shrank s && s.reason().startsWith("idle")).count() == 2);
    }

    @Test
    void singleUseRunnersRunOneCallEach() throws Exception {
        Pool pool = start(Pool.builder(parent).name("once").max(2).singleUse(true));
        Set<String> ran = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ran.add(pool.call(PoolTest::here));
        }
        assertEquals(3, ran.size(), ran.toString());
        Await.until("each runner stopped after its call", WAIT, () -> pool.runners().isEmpty());
    }

    @Test
    void aTaskExceptionComesBackWithItsRemoteStackAndTheRunnerKnowsItsParent() {
        Pool pool = start(Pool.builder(parent).name("errors").max(1));
        RemoteExecutionException failed = assertThrows(RemoteExecutionException.class, () -> pool.call(() -> {
            throw new IllegalStateException("bad input 42");
        }));
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("bad input 42", cause.getMessage());
        assertTrue(cause.getStackTrace().length > 0);
        assertEquals(parent.name(), pool.call(() -> Runner.parent().orElseThrow()));
        assertEquals("errors", pool.call(() -> Runner.pool().orElseThrow()));
        assertTrue(Runner.parent().isEmpty(), "not inside a runner here");
    }

    @Test
    void aRunnerLostMidCallFailsItsCallsAtOnceAndIsReplaced() throws Exception {
        List<PoolEvent> events = new CopyOnWriteArrayList<>();
        Pool pool = start(Pool.builder(parent).name("lost").min(1).max(1).listener(events::add));
        Gates.gate("lost");
        CompletableFuture<String> victim = pool.callAsync(() -> Gates.waitAt("lost"));
        Await.until("the runner is busy", WAIT, () -> pool.runners().size() == 1);
        NodeName first = pool.runners().getFirst();
        long lostAt = System.nanoTime();
        pool.cast(() -> {
            Thread.sleep(50);
            KindlingNode.current().orElseThrow().close(); // the runner dies mid-call
        });
        ExecutionException failed = assertThrows(ExecutionException.class, () -> victim.get(20, TimeUnit.SECONDS));
        long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAt);
        RunnerLostException lost = assertInstanceOf(RunnerLostException.class, failed.getCause());
        assertEquals(first, lost.node());
        assertTrue(lost.getMessage().contains("runner of pool lost lost"), lost.getMessage());
        assertTrue(failedAfter < 5000, "failed after " + failedAfter + " ms");
        Await.until("a replacement keeps min", WAIT, pool::toString,
                () -> pool.runners().size() == 1 && !pool.runners().contains(first));
        assertTrue(pool.call(PoolTest::here).startsWith("lost-runner-"));
        Await.until("a lost shrink event", WAIT, events::toString,
                () -> events.stream().anyMatch(e -> e instanceof PoolEvent.Shrank s && s.reason().startsWith("lost")));
    }

    @Test
    void bootFailuresAreRetriedAndReportedToWaitingCallers() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        Backend local = new LocalBackendProvider().create(io.kindling.api.Config.empty());
        Backend flaky = new Backend() {
            @Override
            public RunnerHandle boot(RunnerSpec spec) throws Exception {
                attempts.incrementAndGet();
                if (broken.get()) {
                    throw new IllegalStateException("no capacity in zone-a");
                }
                return local.boot(spec);
            }

            @Override
            public void close() {
                local.close();
            }
        };
        Pool pool = start(Pool.builder(parent).name("flaky").max(1).backend(flaky));
        PoolTimeoutException timeout = assertThrows(PoolTimeoutException.class,
                () -> pool.call(PoolTest::here, Duration.ofSeconds(1)));
        assertEquals(PoolTimeoutException.Phase.BOOTING, timeout.phase());
        assertTrue(timeout.getMessage().contains("no capacity in zone-a"), timeout.getMessage());
        assertTrue(attempts.get() >= 2, "retried while the caller waited: " + attempts.get());
        broken.set(false);
        assertTrue(pool.call(PoolTest::here, Duration.ofSeconds(20)).startsWith("flaky-runner-"));
    }

    @Test
    void aPlacedChildHoldsItsRunnerUntilStopped() throws Exception {
        Pool pool = start(Pool.builder(parent).name("child").max(1).idleShutdownAfter(Duration.ofMillis(100)));
        COUNTERS.put("child", new AtomicInteger());
        PlacedChild child = pool.placeChild(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } finally {
                COUNTERS.get("child").incrementAndGet(); // interrupted by stop()
            }
        });
        assertEquals(List.of(child.runner()), pool.runners());
        // Ten idle periods: the runner is not idle while the child runs.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until) {
            assertEquals(List.of(child.runner()), pool.runners(), "stopped while a child ran");
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertTrue(child.isRunning());
        child.stop();
        child.done().get(20, TimeUnit.SECONDS);
        Await.until("the child's thread was interrupted", WAIT, () -> COUNTERS.get("child").get() == 1);
        Await.until("the runner stops once idle", WAIT, () -> pool.runners().isEmpty());
    }

    @Test
    void manyThreadsCallWhileRunnersComeAndGo() throws Exception {
        Pool pool = start(Pool.builder(parent).name("churn").max(4).maxConcurrency(3)
                .idleShutdownAfter(Duration.ofMillis(20)));
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread killer = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                try {
                    pool.cast(() -> {
                        if (Math.random() < 0.3) {
                            KindlingNode.current().orElseThrow().close();
                        }
                    });
                    TimeUnit.MILLISECONDS.sleep(30);
                } catch (InterruptedException | RuntimeException e) {
                    return;
                }
            }
        });
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            callers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 40; i++) {
                    try {
                        pool.call(() -> {
                            Thread.sleep(2);
                            return here();
                        }, Duration.ofSeconds(20));
                        ok.incrementAndGet();
                    } catch (RunnerLostException e) {
                        lost.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        for (Thread caller : callers) {
            assertTrue(caller.join(Duration.ofSeconds(120)), "a caller hung");
        }
        running.set(false);
        killer.join(Duration.ofSeconds(10));
        assertEquals(List.of(), unexpected);
        assertEquals(480, ok.get() + lost.get());
        assertTrue(ok.get() > lost.get(), "ok " + ok + ", lost " + lost);
        assertTrue(pool.runners().size() <= 4);
    }

    @Test
    void shutdownDrainsRunningCallsFailsQueuedOnesAndRefusesNewOnes() throws Exception {
        Pool pool = start(Pool.builder(parent).name("drain").max(1).maxConcurrency(1)
                .shutdownTimeout(Duration.ofSeconds(10)));
        Gates.gate("drain");
        CompletableFuture<String> running = pool.callAsync(() -> Gates.waitAt("drain"));
        Await.until("running", WAIT, () -> pool.runners().size() == 1 && pool.queued() == 0);
        CompletableFuture<String> queued = pool.callAsync(PoolTest::here);
        Await.until("queued", WAIT, () -> pool.queued() == 1);
        Thread.ofVirtual().start(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            Gates.gate("drain").countDown();
        });
        pool.shutdown();
        assertTrue(running.isDone() && running.get().startsWith("drain-runner-"), "drained before stopping");
        ExecutionException refused = assertThrows(ExecutionException.class, queued::get);
        assertInstanceOf(PoolShutdownException.class, refused.getCause());
        assertThrows(PoolShutdownException.class, () -> pool.call(PoolTest::here));
        assertEquals(List.of(), pool.runners());
    }

    @Test
    void optionsAreValidatedWithClearMessages() {
        ConfigException noMax = assertThrows(ConfigException.class, () -> Pool.builder(parent).name("v").start());
        assertTrue(noMax.getMessage().contains("kindling.pool.v.max"), noMax.getMessage());
        ConfigException minOverMax = assertThrows(ConfigException.class,
                () -> Pool.builder(parent).name("v").min(3).max(2).start());
        assertTrue(minOverMax.getMessage().contains("min = 3, max = 2"), minOverMax.getMessage());
        assertThrows(io.kindling.api.PluginNotFoundException.class,
                () -> Pool.builder(parent).name("v").max(1).backend("no-such-backend").start());
    }
}
