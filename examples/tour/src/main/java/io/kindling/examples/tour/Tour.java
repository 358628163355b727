package io.kindling.examples.tour;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.pool.Pool;
import io.kindling.rpc.region.RegionRpc;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kindling's four jobs, on one machine, in real JVMs: nodes in two regions discover each other through a port
 * mapper, a pool boots a runner on demand, region RPC reaches each region, a node is killed and the cluster notices
 * and heals, then everything stops and no process is left. One line per step, with its timings; exit code 1 and the
 * reason when a step fails.
 */
public final class Tour {

    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private Tour() {
    }

    /**
     * Runs the tour.
     *
     * @param args none
     */
    public static void main(String[] args) {
        long started = System.nanoTime();
        System.out.println("Kindling tour: four jobs on one machine, in real JVMs (Java " + Runtime.version() + ")");
        try (Children children = new Children()) {
            run(children);
        } catch (Exception e) {
            System.out.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
        long left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
        if (left > 0) {
            System.out.println("FAILED: " + left + " processes are still running");
            System.exit(1);
        }
        System.out.printf(Locale.ROOT, "[5/5] stopped: runner, nodes and port mapper; no process left%n");
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static void run(Children children) throws Exception {
        int epmdPort = freePort();
        String cookie = UUID.randomUUID() + "-" + UUID.randomUUID();
        Map<NodeName, Long> down = new ConcurrentHashMap<>();
        Map<NodeName, Long> up = new ConcurrentHashMap<>();
        long clusterStart = System.nanoTime();
        try (KindlingNode node = nodeBuilder("tour", "ams", epmdPort).cookie(cookie).start();
                Cluster cluster = Cluster.builder(node).strategy("local-epmd").pollInterval(Duration.ofMillis(500))
                        .listener(event -> {
                            switch (event) {
                                case ClusterEvent.NodeDown d -> down.put(d.node(), System.nanoTime());
                                case ClusterEvent.NodeUp u -> up.put(u.node(), System.nanoTime());
                                default -> { }
                            }
                        }).start()) {
            children.start("ams-2", "ams", epmdPort, cookie);
            children.start("fra-1", "fra", epmdPort, cookie);
            children.start("fra-2", "fra", epmdPort, cookie);
            children.awaitReady(STEP_TIMEOUT);
            long started = millis(clusterStart);
            long discoveryStart = System.nanoTime();
            cluster.awaitPeers(3, STEP_TIMEOUT);
            step(1, "cluster: 4 nodes in regions ams and fra (%d ms to start the JVMs) found each other through a "
                    + "port mapper in %d ms: %s", started, millis(discoveryStart),
                    new java.util.TreeSet<>(node.connectedNodes()));

            try (RegionRpc regions = RegionRpc.start(node)) {
                regions.registry().awaitNodes("fra", STEP_TIMEOUT);
                long fraStart = System.nanoTime();
                String fra = regions.call("fra", Tour::whoAmI);
                double fraMs = (System.nanoTime() - fraStart) / 1e6;
                long amsStart = System.nanoTime();
                String ams = regions.call("ams", Tour::whoAmI);
                double amsMs = (System.nanoTime() - amsStart) / 1e6;
                NodeName peer = NodeName.parse(fra);
                Duration rtt = node.ping(peer, STEP_TIMEOUT);
                step(2, "region rpc: fra answered from %s in %.1f ms; ams, this node's own region, from %s in %.1f ms "
                        + "(no hop, as Fly.RPC); round trip to %s %.2f ms", fra, fraMs, ams, amsMs, peer,
                        rtt.toNanos() / 1e6);

                try (Pool pool = Pool.builder(node).name("tour").backend("peer").max(1)
                        .bootTimeout(STEP_TIMEOUT).start()) {
                    long coldStart = System.nanoTime();
                    long runnerPid = pool.call(() -> ProcessHandle.current().pid());
                    long cold = millis(coldStart);
                    long warmStart = System.nanoTime();
                    pool.call(() -> ProcessHandle.current().pid());
                    double warmMs = (System.nanoTime() - warmStart) / 1e6;
                    step(3, "pool: a peer runner (pid %d) booted on demand and answered in %d ms; the next call "
                            + "took %.2f ms", runnerPid, cold, warmMs);
                }

                NodeName victim = NodeName.of("fra-1", "127.0.0.1");
                up.remove(victim);
                long killed = System.nanoTime();
                children.kill("fra-1");
                await("the cluster to see fra-1 down", () -> down.containsKey(victim));
                long noticed = TimeUnit.NANOSECONDS.toMillis(down.get(victim) - killed);
                long restarted = System.nanoTime();
                children.start("fra-1", "fra", epmdPort, cookie);
                await("fra-1 to rejoin", () -> up.containsKey(victim));
                long back = millis(restarted);
                String again = node.call(victim, Tour::whoAmI, STEP_TIMEOUT);
                step(4, "failure: fra-1 killed (kill -9); the cluster saw it down after %d ms; restarted, it was "
                        + "back in the cluster after %d ms and answers again (%s)", noticed, back, again);
            }
        }
    }

    /** A node of the tour: on loopback, in a region whose primary is ams, finding the others on the port mapper. */
    static KindlingNode.Builder nodeBuilder(String name, String region, int epmdPort) {
        return KindlingNode.builder().name(name + "@127.0.0.1")
                .set("kindling.region", region)
                .set("kindling.primary-region", "ams")
                .set("kindling.strategy.epmd.port", Integer.toString(epmdPort))
                .set("kindling.strategy.epmd.server-address", "127.0.0.1");
    }

    private static String whoAmI() {
        return KindlingNode.current().orElseThrow().name().toString();
    }

    private static void step(int number, String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, "[%d/5] ", number) + String.format(Locale.ROOT, format,
                values));
        System.out.flush();
    }

    private static long millis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + STEP_TIMEOUT.toSeconds() + " s for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
