package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.NetworkHosts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partition {A, B} | {C} across real hosts, with the defaults a user gets (heartbeat every 1 s, down after 5 s of
 * silence; the cluster polls its strategy every 5 s): each side sees the other go down within the heartbeat timeout,
 * a call in flight across fails with {@code NodeDownException} then, a new call across fails within its own timeout,
 * calls within a side go on working, and when the link heals the cluster reconnects within one poll interval, with
 * events on both sides. Needs root, iproute2, nftables and dnsmasq, as CI has.
 */
class PartitionTest {

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    /** What a report may take beyond its bound: the line's way out of the JVM and this test's polling. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void bothSidesCarryOnAndTheClusterHeals() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(2, 1));
        NetworkHosts hosts = cluster.hosts;
        List<HostNode> nodes = cluster.startMesh(POLL_INTERVAL, ClusterNodeMain.class, host -> List.of(
                "kindling.heartbeat.interval=" + HEARTBEAT_INTERVAL.toSeconds() + "s",
                "kindling.heartbeat.timeout=" + HEARTBEAT_TIMEOUT.toSeconds() + "s"));
        HostNode a = nodes.get(0);
        HostNode b = nodes.get(1);
        HostNode c = nodes.get(2);

        CompletableFuture<String> inFlight = a.callInFlight(c, Duration.ofSeconds(60), Duration.ofSeconds(30));
        int[] from = cluster.lineCounts();
        long cutAt = System.nanoTime();
        hosts.cut(List.of(a.host, b.host), List.of(c.host));

        Duration downBound = HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plus(SLACK);
        for (HostNode[] pair : new HostNode[][] {{a, c}, {b, c}, {c, a}, {c, b}}) {
            int index = nodes.indexOf(pair[0]);
            pair[0].awaitDown(from[index], pair[1], downBound.plusSeconds(30));
            Duration seen = Duration.ofNanos(System.nanoTime() - cutAt);
            System.out.println("partition: " + pair[0] + " saw " + pair[1] + " down after " + seen.toMillis() + " ms");
            assertTrue(seen.compareTo(downBound) <= 0, pair[0] + " saw " + pair[1] + " down after " + seen.toMillis()
                    + " ms; the bound is the heartbeat timeout and one interval: " + downBound.toMillis() + " ms");
        }
        String failed = inFlight.get(downBound.toSeconds() + 30, TimeUnit.SECONDS);
        assertTrue(failed.startsWith("CALL_FAILED " + c.name + " NodeDownException "), failed);
        assertTrue(HostNode.micros(failed) < downBound.toNanos() / 1000 + 1_000_000,
                "the call in flight failed when the node was seen down, not at its own 60 s timeout: " + failed);

        for (Duration timeout : List.of(Duration.ofSeconds(2), Duration.ofSeconds(4))) {
            String across = a.call(c, timeout);
            assertTrue(across.startsWith("CALL_FAILED " + c.name + " "), across);
            assertTrue(HostNode.micros(across) <= timeout.plus(SLACK).toNanos() / 1000,
                    "a call across the partition fails within its own timeout (" + timeout.toMillis() + " ms): "
                            + across);
        }
        String within = a.call(b, Duration.ofSeconds(5));
        assertTrue(within.startsWith("CALLED " + b.name + " "), "calls within a side work: " + within);
        String otherSide = c.call(a, Duration.ofSeconds(2));
        assertTrue(otherSide.startsWith("CALL_FAILED " + a.name + " "), otherSide);

        from = cluster.lineCounts();
        long healedAt = System.nanoTime();
        hosts.heal();
        Duration upBound = POLL_INTERVAL.plus(SLACK);
        for (HostNode[] pair : new HostNode[][] {{a, c}, {b, c}, {c, a}, {c, b}}) {
            int index = nodes.indexOf(pair[0]);
            pair[0].awaitUp(from[index], pair[1], upBound.plusSeconds(30));
            Duration seen = Duration.ofNanos(System.nanoTime() - healedAt);
            System.out.println("healed: " + pair[0] + " saw " + pair[1] + " up after " + seen.toMillis() + " ms");
            assertTrue(seen.compareTo(upBound) <= 0, pair[0] + " saw " + pair[1] + " up again after "
                    + seen.toMillis() + " ms; the bound is one poll interval: " + upBound.toMillis() + " ms");
        }
        String healed = c.call(a, Duration.ofSeconds(5));
        assertTrue(healed.startsWith("CALLED " + a.name + " "), "calls cross again: " + healed);
    }
}
