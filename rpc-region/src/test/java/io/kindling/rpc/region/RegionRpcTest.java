package io.kindling.rpc.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeDownException;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteExecutionException;
import io.kindling.core.KindlingNode;
import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Region RPC over nodes in separate JVMs, in regions ams, syd and iad (the primary); the test node is in ctl. */
class RegionRpcTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String COOKIE = "region-test";

    private KindlingNode ctl;
    private RegionRpc rpc;
    private final List<RegionEvent> events = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeEach
    void startControlNode() {
        // Closed last: the closer closes what was added last first.
        ctl = open.add(KindlingNode.builder().name("ctl@127.0.0.1").cookie(COOKIE).set("kindling.region", "ctl")
                .set("kindling.primary-region", "iad").set("kindling.app.version", "2.0").start());
        rpc = open.add(RegionRpc.start(ctl));
        rpc.registry().addListener(events::add);
    }

    private ChildProcess child(String name, String region, String... more) throws Exception {
        List<String> settings = new ArrayList<>(List.of("kindling.region=" + region, "kindling.primary-region=iad",
                "kindling.cluster.strategy=static", "kindling.strategy.static.nodes=" + ctl.address()));
        settings.addAll(List.of(more));
        ChildProcess node = open.add(ChildProcess.java(name, ClusterNodeMain.class, ClusterNodeMain.arguments(name,
                COOKIE, settings.toArray(String[]::new))));
        node.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("READY "));
        return node;
    }

    private void awaitRegion(String region, int count) throws InterruptedException {
        Await.until("region " + region + " to have " + count + " nodes", WAIT, () -> "regions: "
                + rpc.registry().regions(), () -> rpc.registry().nodes(region).size() == count);
    }

    private static String here() {
        return KindlingNode.current().orElseThrow().name().name();
    }

    @Test
    void sameAppVersionReachesOnlyNodesOfTheCallersVersion() throws Exception {
        child("old1", "lhr", "kindling.app.version=1.0");
        child("new1", "lhr", "kindling.app.version=2.0");
        child("old2", "fra", "kindling.app.version=1.0");
        awaitRegion("lhr", 2);
        awaitRegion("fra", 1);
        Set<String> any = new HashSet<>();
        Set<String> same = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            any.add(rpc.call("lhr", RegionRpcTest::here));
            same.add(rpc.call("lhr", RegionRpcTest::here, CallOptions.defaults().sameAppVersion()));
        }
        assertEquals(Set.of("old1", "new1"), any, "without the option, every node of the region");
        assertEquals(Set.of("new1"), same, "with it, only the node that runs the caller's version 2.0");
        NoNodeInRegionException none = assertThrows(NoNodeInRegionException.class,
                () -> rpc.call("fra", RegionRpcTest::here, CallOptions.defaults().sameAppVersion()));
        assertTrue(none.getMessage().contains("application version 2.0"), none.getMessage());
        assertEquals("new1", rpc.call("fra", RegionRpcTest::here, CallOptions.defaults().sameAppVersion()
                .fallback("lhr")), "a fallback region is held to the same version");
    }

    @Test
    void callsLandInTheAskedRegionFollowNodesThatComeAndGoAndHonourTheEmptyRegionPolicy() throws Exception {
        child("ams1", "ams");
        ChildProcess ams2 = child("ams2", "ams");
        child("syd1", "syd");
        child("iad1", "iad");
        awaitRegion("ams", 2);
        awaitRegion("syd", 1);
        awaitRegion("iad", 1);
        assertEquals(Set.of(ctl.name()), rpc.registry().nodes("ctl"), "the local node is in its region");

        Set<String> landed = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            landed.add(rpc.call("ams", RegionRpcTest::here));
        }
        assertEquals(Set.of("ams1", "ams2"), landed, "only ams, and every ams node");
        for (int i = 0; i < 20; i++) {
            assertEquals("iad1", rpc.call(RegionRpc.PRIMARY, RegionRpcTest::here));
        }
        assertEquals("ctl", rpc.call("ctl", RegionRpcTest::here), "a local call runs here");
        assertEquals("iad1", rpc.primary(RegionRpcTest::here), "the primary shorthand");
        assertEquals("ctl", rpc.myRegion());
        assertTrue(!rpc.isPrimary() && rpc.primaryRegion().equals("iad"));

        NoNodeInRegionException none = assertThrows(NoNodeInRegionException.class,
                () -> rpc.call("xyz", RegionRpcTest::here));
        assertTrue(none.getMessage().contains("xyz") && none.getMessage().contains("ams"), none.getMessage());
        long started = System.nanoTime();
        NoNodeInRegionException waited = assertThrows(NoNodeInRegionException.class, () -> rpc.call("xyz",
                RegionRpcTest::here, CallOptions.defaults().withTimeout(Duration.ofMillis(300)).waitForNode()));
        assertTrue(waited.getMessage().contains("within 300 ms"), waited.getMessage());
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300));
        assertEquals("iad1", rpc.call("xyz", RegionRpcTest::here, CallOptions.defaults().fallback("lhr",
                RegionRpc.PRIMARY)));
        RemoteExecutionException failed = assertThrows(RemoteExecutionException.class, () -> rpc.call("syd", () -> {
            throw new IllegalStateException("from syd");
        }));
        assertEquals("from syd", failed.getCause().getMessage());

        // A node joining a region becomes a target, even for a call that waits for it.
        CompletableFuture<String> waiting = rpc.callAsync("lhr", RegionRpcTest::here,
                CallOptions.defaults().withTimeout(WAIT).waitForNode());
        child("lhr1", "lhr");
        assertEquals("lhr1", waiting.get(30, TimeUnit.SECONDS));

        // A node leaving (kill -9): calls in flight on it fail with NodeDownException, and it is no target after.
        List<CompletableFuture<String>> inFlight = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            inFlight.add(rpc.callAsync("ams", () -> {
                if (here().equals("ams2")) {
                    Thread.sleep(60_000);
                }
                return here();
            }, CallOptions.defaults().withTimeout(WAIT)));
        }
        // A ping's answer comes after every call sent before it on that connection: they all reached ams2.
        ctl.ping(NodeName.parse("ams2@127.0.0.1"), Duration.ofSeconds(10));
        ams2.kill();
        int down = 0;
        for (CompletableFuture<String> call : inFlight) {
            try {
                assertEquals("ams1", call.get(30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertInstanceOf(NodeDownException.class, e.getCause(), e.getCause().toString());
                down++;
            }
        }
        assertTrue(down > 0, "some calls were on ams2");
        awaitRegion("ams", 1);
        for (int i = 0; i < 50; i++) {
            assertEquals("ams1", rpc.call("ams", RegionRpcTest::here));
        }
        assertTrue(events.stream().anyMatch(e -> e instanceof RegionEvent.NodeLeft left
                && left.node().equals(NodeName.parse("ams2@127.0.0.1")) && left.region().equals("ams")),
                events.toString());
    }

    @Test
    void aCallToTheOwnRegionRunsHereUnlessItAsksToSpread() throws Exception {
        child("ctl2", "ctl");
        awaitRegion("ctl", 2);
        for (int i = 0; i < 50; i++) {
            assertEquals("ctl", rpc.call("ctl", RegionRpcTest::here), "Fly.RPC's rule: the own region runs here");
        }
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 200 && spread.size() < 2; i++) {
            spread.add(rpc.call("ctl", RegionRpcTest::here, CallOptions.defaults().spread()));
        }
        assertEquals(Set.of("ctl", "ctl2"), spread, "spreading reaches every node of the region");
    }

    @Test
    void flysEnvironmentVariablesNameTheRegionWhenKindlingsAreUnset() throws Exception {
        List<String> settings = List.of("kindling.cluster.strategy=static", "kindling.strategy.static.nodes="
                + ctl.address());
        ChildProcess fly = open.add(ChildProcess.start("fly1", ChildProcess.javaCommand(ClusterNodeMain.class,
                ClusterNodeMain.arguments("fly1", COOKIE, settings.toArray(String[]::new))),
                java.util.Map.of("FLY_REGION", "fra", "PRIMARY_REGION", "iad")));
        fly.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("READY "));
        awaitRegion("fra", 1);
        assertEquals("iad", rpc.registry().infoOf(NodeName.parse("fly1@127.0.0.1")).orElseThrow().primaryRegion());
        assertEquals("fly1", rpc.call("fra", RegionRpcTest::here));

        io.kindling.api.Config none = io.kindling.api.Config.of(java.util.Map.of());
        assertEquals("fra", RegionExtension.region(none, java.util.Map.of("FLY_REGION", "fra")));
        assertEquals("local", RegionExtension.region(none, java.util.Map.of()));
        assertEquals("ams", RegionExtension.region(io.kindling.api.Config.of(java.util.Map.of("kindling.region",
                "ams")), java.util.Map.of("FLY_REGION", "fra")), "Kindling's own setting wins");
        assertEquals("iad", RegionExtension.primaryRegion(none, java.util.Map.of("PRIMARY_REGION", "iad")));
    }

    @Test
    void aNodeWithoutTheExtensionIsRecordedAsSuch() throws Exception {
        child("bare1", "ams", "kindling.extensions.disabled=region");
        NodeName bare = NodeName.parse("bare1@127.0.0.1");
        Await.until("a verdict on bare1", WAIT, () -> "events: " + events,
                () -> rpc.registry().withoutRegionSupport().containsKey(bare));
        assertTrue(rpc.registry().withoutRegionSupport().get(bare).contains("does not run the region extension"),
                rpc.registry().withoutRegionSupport().toString());
        assertEquals(Set.of(), rpc.registry().nodes("ams"));
    }

    @Test
    void aRegionQueryThatHangsDoesNotStallTheRegistry() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        KindlingNode slow = KindlingNode.builder().name("slow@127.0.0.1").cookie(COOKIE)
                .set("kindling.extensions.disabled", "region")
                .extension(RegionExtension.computed(() -> {
                    try {
                        release.await(60, TimeUnit.SECONDS); // a region source that takes its time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "osa";
                }, "iad")).start();
        open.add(slow);
        KindlingNode fast = KindlingNode.builder().name("fast@127.0.0.1").cookie(COOKIE)
                .set("kindling.region", "fra").set("kindling.primary-region", "iad").start();
        open.add(fast);
        try {
            slow.connect(ctl.address());
            fast.connect(ctl.address());
            awaitRegion("fra", 1); // answered while slow's query hangs
            assertEquals(Set.of(), rpc.registry().nodes("osa"));
        } finally {
            release.countDown();
        }
        awaitRegion("osa", 1);
    }
}
