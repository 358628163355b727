package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Closer;
import io.kindling.testsupport.NetworkHosts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Region RPC with its regions on different hosts, one region cut off: region {@code ams} on hosts 1 and 2 (the
 * primary region), {@code fra} on hosts 3 and 4 behind the router. While {@code fra} is cut off, a call to it fails
 * at once by default, runs on the primary region with a fallback, and waits with {@code waitForNode}: it fails when
 * its timeout runs out, and completes on a {@code fra} node when the link heals within it. Needs root, iproute2,
 * nftables and dnsmasq, as CI has.
 */
class RegionPartitionTest {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT_BOUND = Duration.ofSeconds(5 + 1 + 1);
    private static final Duration SLACK = Duration.ofSeconds(1);

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void waitAndFallbackWhenARegionIsCutOff() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(2, 2));
        NetworkHosts hosts = cluster.hosts;
        List<HostNode> nodes = cluster.startMesh(POLL_INTERVAL, RegionNodeMain.class, host -> List.of(
                "kindling.region=" + (host.site() == 0 ? "ams" : "fra"), "kindling.primary-region=ams"));
        HostNode caller = nodes.get(0);
        Set<String> ams = Set.of(nodes.get(0).name, nodes.get(1).name);
        Set<String> fra = Set.of(nodes.get(2).name, nodes.get(3).name);
        String before = region(caller, "fra", "wait", Duration.ofSeconds(20));
        assertTrue(before.startsWith("REGION_CALLED fra ") && fra.contains(before.split(" ")[2]), before);

        int from = caller.process.lineCount();
        hosts.cut(List.of(nodes.get(0).host, nodes.get(1).host), List.of(nodes.get(2).host, nodes.get(3).host));
        for (HostNode gone : nodes.subList(2, 4)) {
            caller.awaitDown(from, gone, HEARTBEAT_BOUND.plusSeconds(30));
        }

        String failed = region(caller, "fra", "fail", Duration.ofSeconds(5));
        assertTrue(failed.startsWith("REGION_FAILED fra NoNodeInRegionException "), failed);
        assertTrue(HostNode.micros(failed) < 1_000_000, "an empty region fails at once by default: " + failed);

        String fallback = region(caller, "fra", "fallback:" + "<primary>", Duration.ofSeconds(5));
        assertTrue(fallback.startsWith("REGION_CALLED fra ") && ams.contains(fallback.split(" ")[2]),
                "the fallback runs on the primary region: " + fallback);

        Duration shortWait = Duration.ofSeconds(3);
        String waitedOut = region(caller, "fra", "wait", shortWait);
        assertTrue(waitedOut.startsWith("REGION_FAILED fra NoNodeInRegionException "), waitedOut);
        long waited = HostNode.micros(waitedOut);
        assertTrue(waited >= shortWait.toNanos() / 1000 && waited <= shortWait.plus(SLACK).toNanos() / 1000,
                "a wait that no node ends fails at its timeout: " + waitedOut);

        Duration longWait = POLL_INTERVAL.multipliedBy(4);
        CompletableFuture<String> waiting = caller.sendLater("region fra wait " + longWait.toMillis(),
                longWait.plusSeconds(30), "REGION_CALLED fra ", "REGION_FAILED fra ");
        long healedAt = System.nanoTime();
        hosts.heal();
        String healed = waiting.get(longWait.toSeconds() + 30, TimeUnit.SECONDS);
        Duration after = Duration.ofNanos(System.nanoTime() - healedAt);
        System.out.println("region: a call waiting for fra completed " + after.toMillis() + " ms after the heal: "
                + healed);
        assertTrue(healed.startsWith("REGION_CALLED fra ") && fra.contains(healed.split(" ")[2]),
                "the waiting call runs on fra once it is back: " + healed);
        assertTrue(after.compareTo(POLL_INTERVAL.plus(SLACK).plus(SLACK)) <= 0,
                "it completed within a poll interval of the heal (and a region query): " + after.toMillis() + " ms");
    }

    private static String region(HostNode node, String region, String policy, Duration timeout) throws Exception {
        return node.sendLater("region " + region + " " + policy + " " + timeout.toMillis(), timeout.plusSeconds(30),
                "REGION_CALLED " + region + " ", "REGION_FAILED " + region + " ").get(timeout.toSeconds() + 60,
                TimeUnit.SECONDS);
    }
}
