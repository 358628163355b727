package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.NetworkHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    private NetworkHosts hosts;
    private final List<HostNode> nodes = new ArrayList<>();

    @BeforeEach
    void createHosts() {
        NetworkHosts.requireTools();
        hosts = NetworkHosts.create(2, 1);
    }

    @AfterEach
    void removeHosts() throws InterruptedException {
        for (HostNode node : nodes) {
            node.process.kill();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void bothSidesCarryOnAndTheClusterHeals() throws Exception {
        String all = hosts.hosts().stream().map(host -> HostNode.nameOn(host) + ":" + HostNode.PORT)
                .collect(Collectors.joining(","));
        String cookie = UUID.randomUUID().toString();
        for (NetworkHosts.Host host : hosts.hosts()) {
            nodes.add(HostNode.start(hosts, host, cookie, List.of("kindling.cluster.strategy=static",
                    "kindling.strategy.static.nodes=" + all, "kindling.cluster.poll-interval=" + POLL_INTERVAL
                            .toSeconds() + "s", "kindling.heartbeat.interval=" + HEARTBEAT_INTERVAL.toSeconds() + "s",
                    "kindling.heartbeat.timeout=" + HEARTBEAT_TIMEOUT.toSeconds() + "s")));
        }
        HostNode a = nodes.get(0);
        HostNode b = nodes.get(1);
        HostNode c = nodes.get(2);
        for (HostNode node : nodes) {
            for (HostNode other : nodes) {
                if (other != node) {
                    node.awaitUp(0, other, Duration.ofSeconds(60));
                }
            }
        }

        CompletableFuture<String> inFlight = a.callInFlight(c, Duration.ofSeconds(60), Duration.ofSeconds(30));
        int[] from = nodes.stream().mapToInt(node -> node.process.lineCount()).toArray();
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

        from = nodes.stream().mapToInt(node -> node.process.lineCount()).toArray();
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
