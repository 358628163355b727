package com.example.consumer;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.NodeSelector;
import io.kindling.core.KindlingNode;
import io.kindling.core.Selection;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.PrunePolicy;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.pool.PlacedChild;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.Tracked;
import io.kindling.micrometer.KindlingMetrics;
import io.kindling.rpc.region.CallOptions;
import io.kindling.rpc.region.RegionRpc;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;

/**
 * The README's Java snippets, verbatim, with the declarations around them that make them compile (ReadmeBlocksTest
 * checks that each README block appears here). Compiled, not run: Main runs the same calls against real nodes.
 */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    static void usingIt() {
        // the cookie: KINDLING_COOKIE, else ~/.kindling/cookie (created with 32 random bytes on first use)
        try (Node node = KindlingNode.builder().name("app@127.0.0.1").start()) {
            NodeName peer = node.connect(NodeAddress.parse("worker@127.0.0.1:4370"));
            int cores = node.call(peer, () -> Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));
            CompletableFuture<String> later = node.callAsync(peer, () -> "hi", Duration.ofSeconds(5));
            node.cast(peer, () -> System.out.println("runs there"));
            node.monitor(event -> System.out.println(event));   // NodeUp / NodeDown
        }
    }

    static void clusters(Node node) throws Exception {
        Cluster cluster = Cluster.builder(node)
                .strategy("local-epmd")                       // every Kindling node on this host's port mapper
                .pollInterval(Duration.ofSeconds(5))          // default 5 s; the first refresh runs at start
                .prune(PrunePolicy.afterMisses(3))            // default never
                .listener(event -> System.out.println(event)) // Refreshed, Paused, Resumed, ShutDown, NodeUp, NodeDown
                .start();
        cluster.awaitPeers(2, Duration.ofSeconds(30));        // join before serving
        RefreshResult now = cluster.refresh();                // Success | StrategyFailure | PartialFailure
    }

    static void quorum(Node node) {
        int clusterSize = 5;                                          // the whole cluster, this node included
        Set<NodeName> reachable = ConcurrentHashMap.newKeySet();
        AtomicBoolean inMajority = new AtomicBoolean();
        Cluster.builder(node).strategy("dns").listener(event -> {
            switch (event) {
                case ClusterEvent.NodeUp up -> reachable.add(up.node());
                case ClusterEvent.NodeDown down -> reachable.remove(down.node());
                default -> { }
            }
            inMajority.set(reachable.size() + 1 > clusterSize / 2);   // this node counts too
        }).start();
        // before each write: if (!inMajority.get()) refuse it, saying this node is on the minority side of a partition
    }

    static void selections(Node node) {
        Selection workers = Selection.of(node, NodeSelector.attribute("role", "worker"));
        int load = workers.callAny(() -> Load.now(), Duration.ofSeconds(2));            // one worker, at random
        Map<NodeName, Selection.Outcome<Integer>> each = workers.callAll(() -> Load.now(), Duration.ofSeconds(2));
        workers.castAll(() -> Cache.clear());                                          // every worker, no result
    }

    static void micrometer(KindlingNode node, MeterRegistry registry) {
        new KindlingMetrics(node::metrics).bindTo(registry);   // one snapshot per second serves every meter read
    }

    static void pools(Node node, String scene) {
        try (Pool pool = Pool.builder(node).name("render").backend("peer")   // child JVMs; "local" = in this JVM
                .min(0).max(8).maxConcurrency(4)
                .env("RENDER_QUALITY", "high")                                // runners inherit no environment
                .start()) {
            byte[] png = pool.call(() -> Renderer.render(scene));             // boots a runner if none has room
            pool.cast(() -> Cache.warm());                                    // no result; failures are logged
            PlacedChild worker = pool.placeChild(() -> Consumer.runUntilInterrupted());
        }
    }

    static void poolLifetime(Node node) {
        Pool pool = Pool.builder(node).name("render").backend("peer").min(2).max(8)
                .minIdleShutdownAfter(Duration.ofMinutes(10))   // min runners may sleep; the next call boots them back
                .idleShutdownCheck(() -> !Renderer.hasOpenJobs()) // runs on the runner; it stops only when this says true
                .scalingPolicy("headroom")                       // keep spare runners booted ahead of the load
                .start();
        pool.resize(4, 16);                                      // while it runs; busy runners over a new max finish first
    }

    static void trackedFiles(Pool pool, String scene) {
        Tracked<String> file = pool.call(() -> {
            Path path = Files.createTempFile("render", ".png");
            Renderer.render(scene, path);
            return Tracked.of(path.toString(), () -> Files.deleteIfExists(path));
        });
        try (file) {
            byte[] png = pool.call(() -> Files.readAllBytes(Path.of(file.value())));
        }                                                        // released: the runner deletes the file
    }

    static void regions(Node node, String order, String sku) {
        try (RegionRpc regions = RegionRpc.start(node)) {
            regions.primary(() -> Orders.save(order));                               // a node of the primary region
            int stock = regions.call("ams", () -> Stock.level(sku),                 // this node if it is in ams, else any
                    CallOptions.defaults().withTimeout(Duration.ofSeconds(2))
                            .fallback("fra", RegionRpc.PRIMARY));                    // or .waitForNode(); default: fail
            regions.registry().nodes("syd");                                         // who is where
        }
    }

    // What the snippets call: the application's own code.

    static final class Renderer {
        static byte[] render(String scene) {
            return scene.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        static void render(String scene, Path path) throws java.io.IOException {
            Files.write(path, render(scene));
        }

        static boolean hasOpenJobs() {
            return false;
        }
    }

    static final class Cache {
        static void warm() {
        }

        static void clear() {
        }
    }

    static final class Load {
        static int now() {
            return 0;
        }
    }

    static final class Consumer {
        static void runUntilInterrupted() {
        }
    }

    static final class Orders {
        static String save(String order) {
            return order;
        }
    }

    static final class Stock {
        static int level(String sku) {
            return sku.length();
        }
    }
}
