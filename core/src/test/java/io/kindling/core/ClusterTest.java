package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.PluginNotFoundException;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.PrunePolicy;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clusters of real nodes (real sockets on 127.0.0.1) in this JVM; the multi-JVM cases are in strategy-epmd. */
class ClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HOUR = Duration.ofHours(1);

    @RegisterExtension
    final Closer closer = new Closer();

    private KindlingNode node(String name) {
        KindlingNode node = KindlingNode.builder().name(name + "@127.0.0.1").cookie("cluster-test").start();
        closer.add(node);
        return node;
    }

    private Cluster start(Cluster.Builder builder) {
        Cluster cluster = builder.start();
        closer.add(cluster);
        return cluster;
    }

    /** Collects events; {@link #await} takes them in order. */
    private static final class Events {
        final BlockingQueue<ClusterEvent> queue = new LinkedBlockingQueue<>();
        final List<ClusterEvent> all = new CopyOnWriteArrayList<>();

        void accept(ClusterEvent event) {
            queue.add(event);
            all.add(event);
        }

        <E extends ClusterEvent> E await(Class<E> type, java.util.function.Predicate<E> matching)
                throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                ClusterEvent event = queue.poll(50, TimeUnit.MILLISECONDS);
                if (type.isInstance(event) && matching.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            throw new AssertionError("No matching " + type.getSimpleName() + " within " + WAIT + "; events: " + all);
        }

        /** Waits until an event like this was delivered at any time, without taking events from the queue. */
        void awaitSeen(Class<? extends ClusterEvent> type, java.util.function.Predicate<ClusterEvent> matching)
                throws InterruptedException {
            Await.until(type.getSimpleName(), WAIT, all::toString,
                    () -> all.stream().anyMatch(e -> type.isInstance(e) && matching.test(e)));
        }

        RefreshResult refreshed() throws InterruptedException {
            return await(ClusterEvent.Refreshed.class, r -> true).result();
        }
    }

    @Test
    void theFirstRefreshRunsAtStartAndAwaitPeersWaitsForTheJoin() throws Exception {
        KindlingNode a = node("first-a");
        KindlingNode b = node("first-b");
        KindlingNode c = node("first-c");
        Events events = new Events();
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).listener(events::accept)
                .strategy(DiscoveryStrategy.fixed(List.of(a.address(), b.address(), c.address()))));

        Set<NodeName> peers = cluster.awaitPeers(2, WAIT);
        assertEquals(Set.of(b.name(), c.name()), peers);
        RefreshResult result = events.refreshed();
        RefreshResult.Success success = assertInstanceOf(RefreshResult.Success.class, result);
        assertEquals(Set.of(b.name(), c.name()), success.connected(), "the local node is skipped, others dialed");
        assertTrue(result.ok());
        events.awaitSeen(ClusterEvent.NodeUp.class, up -> ((ClusterEvent.NodeUp) up).node().equals(b.name()));

        TimeoutException tooMany = assertThrows(TimeoutException.class,
                () -> cluster.awaitPeers(3, Duration.ofMillis(200)));
        assertTrue(tooMany.getMessage().contains("has 2 of 3 nodes") && tooMany.getMessage().contains("ok, 2 nodes"),
                tooMany.getMessage());
    }

    @Test
    void aNodeThatComesBackIsReconnectedByTheNextRefresh() throws Exception {
        KindlingNode a = node("back-a");
        KindlingNode b = node("back-b");
        AtomicReference<List<NodeAddress>> listed = new AtomicReference<>(List.of(b.address()));
        Events events = new Events();
        Cluster cluster = start(Cluster.builder(a).pollInterval(Duration.ofMillis(200)).listener(events::accept)
                .strategy(DiscoveryStrategy.of(listed::get)));
        cluster.awaitPeers(1, WAIT);

        b.close();
        events.await(ClusterEvent.NodeDown.class, down -> down.node().equals(b.name()));
        KindlingNode again = node("back-b");
        listed.set(List.of(again.address()));
        ClusterEvent.NodeUp up = events.await(ClusterEvent.NodeUp.class, e -> e.node().equals(b.name()));
        assertEquals(b.name(), up.node());
        assertEquals(Set.of(b.name()), cluster.peers());
    }

    @Test
    void aStrategyThatThrowsOrHangsKeepsEveryConnectionAndReportsTheError() throws Exception {
        KindlingNode a = node("fail-a");
        KindlingNode b = node("fail-b");
        AtomicReference<String> mode = new AtomicReference<>("ok");
        CountDownLatch hung = new CountDownLatch(1);
        DiscoveryStrategy flaky = DiscoveryStrategy.of(() -> switch (mode.get()) {
            case "throw" -> throw new IllegalStateException("registry unavailable");
            case "hang" -> {
                hung.countDown();
                Thread.sleep(Long.MAX_VALUE); // interrupted by the discovery timeout
                yield List.of();
            }
            default -> List.of(b.address());
        });
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).discoveryTimeout(Duration.ofMillis(300))
                .prune(PrunePolicy.immediately()).strategy(flaky));
        cluster.awaitPeers(1, WAIT);

        mode.set("throw");
        RefreshResult.StrategyFailure thrown = assertInstanceOf(RefreshResult.StrategyFailure.class,
                cluster.refresh());
        assertEquals("registry unavailable", thrown.error().getMessage());
        assertEquals(Set.of(b.name()), thrown.nodes());
        assertEquals(Set.of(b.name()), a.connectedNodes(), "an error is not an empty answer: nothing pruned");

        mode.set("hang");
        long started = System.nanoTime();
        RefreshResult.StrategyFailure timedOut = assertInstanceOf(RefreshResult.StrategyFailure.class,
                cluster.refresh());
        assertTrue(hung.await(1, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, timedOut.error());
        assertTrue(timedOut.error().getMessage().contains("did not answer within 300 ms"), timedOut.toString());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "bounded by the discovery timeout");
        assertEquals(Set.of(b.name()), a.connectedNodes());

        mode.set("ok");
        assertInstanceOf(RefreshResult.Success.class, cluster.refresh(), "the interrupted discovery ended");
    }

    /**
     * A discovery that times out before it even started (every carrier thread of the virtual threads busy, as on an
     * overloaded machine) does not stop later ones. It used to: the cancelled task never ran, so nothing cleared
     * "discovery running", and every later refresh failed with "still running an earlier discover()" for good (a
     * 200-node mesh on two cores showed it: its clusters stopped discovering).
     */
    @Test
    void aDiscoveryThatNeverStartedDoesNotBlockTheNextOnes() throws Exception {
        KindlingNode a = node("starved-a");
        KindlingNode b = node("starved-b");
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).discoveryTimeout(Duration.ofMillis(200))
                .strategy(DiscoveryStrategy.of(() -> List.of(b.address()))));
        cluster.awaitPeers(1, WAIT);
        assertTrue(a.disconnect(b.name()));
        // Keep every carrier busy: virtual threads that spin are not preempted, so the discovery cannot start.
        AtomicBoolean spin = new AtomicBoolean(true);
        int carriers = Runtime.getRuntime().availableProcessors();
        CountDownLatch spinning = new CountDownLatch(carriers);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                spinning.countDown();
                while (spin.get()) {
                    Thread.onSpinWait();
                }
            }));
        }
        RefreshResult starved;
        try {
            assertTrue(spinning.await(10, TimeUnit.SECONDS));
            starved = cluster.refresh();
        } finally {
            spin.set(false);
            for (Thread spinner : spinners) {
                spinner.join(10_000);
            }
        }
        RefreshResult next = cluster.refresh();
        assertInstanceOf(RefreshResult.Success.class, next, "the next discovery runs: " + next);
        assertEquals(Set.of(b.name()), a.connectedNodes());
        assertTrue(assertInstanceOf(RefreshResult.StrategyFailure.class, starved).error().getMessage()
                .contains("did not even start"), starved.toString());
    }

    @Test
    void aStrategyThatIgnoresInterruptionIsNeverCalledTwiceAtOnce() throws Exception {
        KindlingNode a = node("stuck-a");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        DiscoveryStrategy stubborn = DiscoveryStrategy.of(() -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                while (!release.await(10, TimeUnit.SECONDS)) {
                    // ignores interruption on purpose
                }
            } catch (InterruptedException e) {
                release.await(10, TimeUnit.SECONDS);
            } finally {
                running.decrementAndGet();
            }
            return List.of();
        });
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).discoveryTimeout(Duration.ofMillis(200))
                .strategy(stubborn));
        Await.until("the first refresh to time out", WAIT, () -> cluster.lastResult().isPresent());
        RefreshResult.StrategyFailure second = assertInstanceOf(RefreshResult.StrategyFailure.class,
                cluster.refresh());
        assertTrue(second.error().getMessage().contains("still running an earlier discover()"), second.toString());
        release.countDown();
        assertEquals(1, maxRunning.get());
    }

    @Test
    void connectFailuresAreReportedPerNodeWithTheReason() throws Exception {
        KindlingNode a = node("conn-a");
        KindlingNode b = node("conn-b");
        NodeAddress nobody = NodeAddress.parse("nobody@127.0.0.1:1");
        RefreshResult result = Cluster.builder(a).strategy(DiscoveryStrategy.fixed(List.of(b.address(), nobody)))
                .connectTimeout(Duration.ofSeconds(2)).runOnce();
        RefreshResult.PartialFailure partial = assertInstanceOf(RefreshResult.PartialFailure.class, result);
        assertEquals(Set.of(b.name()), partial.connected());
        assertEquals(Set.of(nobody), partial.connectFailures().keySet());
        String reason = partial.connectFailures().get(nobody).getMessage();
        assertTrue(reason.contains("127.0.0.1:1") && reason.contains("refused"), reason);
    }

    @Test
    void pruneNeverIsTheDefault() throws Exception {
        KindlingNode a = node("never-a");
        KindlingNode b = node("never-b");
        AtomicReference<List<NodeAddress>> listed = new AtomicReference<>(List.of(b.address()));
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).strategy(DiscoveryStrategy.of(listed::get)));
        cluster.awaitPeers(1, WAIT);
        listed.set(List.of());
        for (int i = 0; i < 3; i++) {
            RefreshResult.Success result = assertInstanceOf(RefreshResult.Success.class, cluster.refresh());
            assertEquals(Set.of(), result.pruned());
        }
        assertEquals(Set.of(b.name()), a.connectedNodes());
    }

    @Test
    void pruneImmediatelyDisconnectsOnlyManagedNodesAndNotAfterAFailedSource() throws Exception {
        KindlingNode a = node("imm-a");
        KindlingNode b = node("imm-b");
        KindlingNode bystander = node("imm-c");
        AtomicReference<Discovery> answer = new AtomicReference<>(Discovery.of(List.of(b.address())));
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).prune(PrunePolicy.immediately())
                .strategy(answer::get));
        cluster.awaitPeers(1, WAIT);
        a.connect(bystander.address()); // connected by other means: never pruned

        answer.set(Discovery.builder().failure("zone-2", "timed out").build());
        RefreshResult.PartialFailure partial = assertInstanceOf(RefreshResult.PartialFailure.class,
                cluster.refresh());
        assertEquals(java.util.Map.of("zone-2", "timed out"), partial.sourceFailures());
        assertEquals(Set.of(), partial.pruned(), "a partial answer prunes nothing");

        answer.set(Discovery.of(List.of()));
        RefreshResult.Success pruned = assertInstanceOf(RefreshResult.Success.class, cluster.refresh());
        assertEquals(Set.of(b.name()), pruned.pruned());
        assertEquals(Set.of(bystander.name()), pruned.nodes());
        Await.until("b disconnected", WAIT, () -> !a.connectedNodes().contains(b.name()));
        assertEquals(Set.of(bystander.name()), a.connectedNodes());
    }

    @Test
    void pruneAfterMissesWaitsForThatManyRefreshesInARow() throws Exception {
        KindlingNode a = node("after-a");
        KindlingNode b = node("after-b");
        AtomicReference<List<NodeAddress>> listed = new AtomicReference<>(List.of(b.address()));
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).prune(PrunePolicy.afterMisses(2))
                .strategy(DiscoveryStrategy.of(listed::get)));
        cluster.awaitPeers(1, WAIT);

        listed.set(List.of());
        assertEquals(Set.of(), ((RefreshResult.Success) cluster.refresh()).pruned(), "first miss");
        listed.set(List.of(b.address()));
        cluster.refresh(); // seen again: the count starts over
        listed.set(List.of());
        assertEquals(Set.of(), ((RefreshResult.Success) cluster.refresh()).pruned(), "first miss again");
        assertEquals(Set.of(b.name()), ((RefreshResult.Success) cluster.refresh()).pruned(), "second in a row");
    }

    @Test
    void pauseResumeAndShutdownAreEventsAndControlPolling() throws Exception {
        KindlingNode a = node("pause-a");
        AtomicInteger discoveries = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        DiscoveryStrategy counting = new DiscoveryStrategy() {
            @Override
            public Discovery discover() {
                discoveries.incrementAndGet();
                return Discovery.of(List.of());
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        Events events = new Events();
        Cluster cluster = start(Cluster.builder(a).name("pz").pollInterval(Duration.ofMillis(50))
                .listener(events::accept).strategy(counting));
        Await.until("polling", WAIT, () -> discoveries.get() >= 3);

        cluster.pause();
        events.await(ClusterEvent.Paused.class, p -> p.cluster().equals("pz"));
        assertTrue(cluster.isPaused());
        int atPause = discoveries.get();
        // A negative check over ten poll intervals: no poll may happen while paused.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < until) {
            assertTrue(discoveries.get() <= atPause + 1, "polled while paused"); // +1: a refresh under way
            TimeUnit.MILLISECONDS.sleep(10);
        }
        int paused = discoveries.get();
        cluster.refresh();
        assertEquals(paused + 1, discoveries.get(), "refresh() works while paused");

        cluster.resume();
        events.await(ClusterEvent.Resumed.class, r -> true);
        Await.until("polling again", WAIT, () -> discoveries.get() >= paused + 4);

        cluster.shutdown();
        cluster.shutdown();
        events.await(ClusterEvent.ShutDown.class, s -> true);
        assertEquals(1, closed.get(), "the strategy is closed once");
        int atShutdown = discoveries.get();
        assertThrows(IllegalStateException.class, cluster::refresh);
        assertEquals(atShutdown, discoveries.get());
        assertTrue(cluster.isShutDown());
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheClusterOrOtherListeners() throws Exception {
        KindlingNode a = node("listen-a");
        KindlingNode b = node("listen-b");
        AtomicInteger thrown = new AtomicInteger();
        Events events = new Events();
        Cluster cluster = start(Cluster.builder(a).pollInterval(Duration.ofMillis(50))
                .listener(event -> {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("listener bug");
                })
                .listener(events::accept)
                .strategy(DiscoveryStrategy.fixed(List.of(b.address()))));
        events.await(ClusterEvent.NodeUp.class, up -> up.node().equals(b.name()));
        for (int i = 0; i < 5; i++) {
            events.refreshed();
        }
        assertTrue(thrown.get() >= 6);
        assertEquals(Set.of(b.name()), cluster.peers());
    }

    @Test
    void runOnceStartsConnectsAndClosesTheStrategyWithoutPruning() throws Exception {
        KindlingNode a = node("once-a");
        KindlingNode b = node("once-b");
        KindlingNode c = node("once-c");
        a.connect(c.address());
        List<String> calls = new CopyOnWriteArrayList<>();
        DiscoveryStrategy recording = new DiscoveryStrategy() {
            @Override
            public void start(Node node) {
                calls.add("start " + node.name());
            }

            @Override
            public Discovery discover() {
                calls.add("discover");
                return Discovery.builder().node(b.address()).skip("erl@127.0.0.1", "an Erlang node").build();
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        RefreshResult.Success result = assertInstanceOf(RefreshResult.Success.class,
                Cluster.runOnce(a, recording));
        assertEquals(List.of("start once-a@127.0.0.1", "discover", "close"), calls);
        assertEquals(Set.of(b.name(), c.name()), result.nodes(), "c was not discovered and is not pruned");
        assertEquals(java.util.Map.of("erl@127.0.0.1", "an Erlang node"), result.skipped());
    }

    @Test
    void aStrategyCanBringItsOwnConnectDisconnectAndListFunctions() throws Exception {
        KindlingNode a = node("hooks-a");
        KindlingNode b = node("hooks-b");
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicReference<List<NodeAddress>> listed = new AtomicReference<>(List.of(b.address()));
        Set<NodeName> membership = java.util.concurrent.ConcurrentHashMap.newKeySet();
        DiscoveryStrategy custom = new DiscoveryStrategy() {
            @Override
            public Discovery discover() {
                return Discovery.of(listed.get());
            }

            @Override
            public NodeName connect(Node node, NodeAddress address, Duration timeout) {
                calls.add("connect " + address.name());
                membership.add(address.name());
                return address.name();
            }

            @Override
            public boolean disconnect(Node node, NodeName name) {
                calls.add("disconnect " + name);
                return membership.remove(name);
            }

            @Override
            public Set<NodeName> listNodes(Node node) {
                return Set.copyOf(membership);
            }
        };
        Cluster cluster = start(Cluster.builder(a).pollInterval(HOUR).prune(PrunePolicy.immediately())
                .strategy(custom));
        assertEquals(Set.of(b.name()), cluster.awaitPeers(1, WAIT));
        listed.set(List.of());
        assertEquals(Set.of(b.name()), ((RefreshResult.Success) cluster.refresh()).pruned());
        assertEquals(List.of("connect " + b.name(), "disconnect " + b.name()), calls);
        assertTrue(a.connectedNodes().isEmpty(), "the node's own connections were never used");
    }

    @Test
    void closingTheNodeShutsItsClusterDown() throws Exception {
        KindlingNode a = KindlingNode.builder().name("close-a@127.0.0.1").cookie("cluster-test").start();
        Events events = new Events();
        AtomicInteger closed = new AtomicInteger();
        DiscoveryStrategy strategy = new DiscoveryStrategy() {
            @Override
            public Discovery discover() {
                return Discovery.of(List.of());
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        Cluster cluster = Cluster.builder(a).listener(events::accept).strategy(strategy).start();
        events.refreshed();
        a.close();
        events.await(ClusterEvent.ShutDown.class, s -> true);
        assertTrue(cluster.isShutDown());
        assertEquals(1, closed.get());
    }

    @Test
    void configurationNamesTheStrategyAndBadSettingsAreClearErrors() throws Exception {
        KindlingNode b = node("cfg-b");
        KindlingNode a = KindlingNode.builder().name("cfg-a@127.0.0.1").cookie("cluster-test")
                .set("kindling.cluster.strategy", "static")
                .set("kindling.strategy.static.nodes", b.address().toString())
                .set("kindling.cluster.prune", "after:3").start();
        closer.add(a);
        Cluster cluster = start(Cluster.builder(a));
        assertEquals(Set.of(b.name()), cluster.awaitPeers(1, WAIT));

        KindlingNode plain = node("cfg-c");
        ConfigException none = assertThrows(ConfigException.class, () -> Cluster.builder(plain).start());
        assertTrue(none.getMessage().contains("kindling.cluster.strategy"), none.getMessage());
        PluginNotFoundException unknown = assertThrows(PluginNotFoundException.class,
                () -> Cluster.builder(plain).strategy("nope").start());
        assertTrue(unknown.getMessage().contains("static"), unknown.getMessage());
        ConfigException noNodes = assertThrows(ConfigException.class,
                () -> Cluster.builder(plain).strategy("static").start());
        assertTrue(noNodes.getMessage().contains("kindling.strategy.static.nodes"), noNodes.getMessage());
        ConfigException badPrune = assertThrows(ConfigException.class, () -> PrunePolicy.parse("kindling.cluster"
                + ".prune", "sometimes"));
        assertTrue(badPrune.getMessage().contains("after:N"), badPrune.getMessage());
        assertThrows(ConfigException.class, () -> Cluster.builder(plain).pollInterval(Duration.ZERO)
                .strategy(DiscoveryStrategy.fixed(List.of())).start());
        assertFalse(plain.isClosed());
    }
}
