package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.NetworkHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster over bad links: 1 % of the packets every host receives from another host are lost, and every packet
 * between the two sites waits 20 ms ± 5 ms in the router's relay. With the default heartbeats (every 1 s, down
 * after 5 s of silence), the cluster forms, calls within a site and across the router succeed for 60 s, no node is
 * ever seen down, and the round trips are reported. Needs root, iproute2, nftables, dnsmasq and socat, as CI has.
 */
class DegradedLinkTest {

    private static final Duration OBSERVED = Duration.ofSeconds(60);
    private static final Duration ONE_WAY = Duration.ofMillis(20);
    private static final Duration JITTER = Duration.ofMillis(5);

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void callsSucceedAndHeartbeatsHoldOverLossAndDelay() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(2, 1));
        NetworkHosts hosts = cluster.hosts;
        hosts.loss(1);
        hosts.delay(ONE_WAY, JITTER);
        List<HostNode> nodes = cluster.startMesh(Duration.ofSeconds(5), ClusterNodeMain.class, host -> List.of());
        HostNode a = nodes.get(0);
        HostNode b = nodes.get(1);
        HostNode c = nodes.get(2);
        int[] from = cluster.lineCounts();
        List<Long> across = new ArrayList<>();
        List<Long> within = new ArrayList<>();
        int calls = 0;
        long end = System.nanoTime() + OBSERVED.toNanos();
        while (System.nanoTime() < end) {
            for (HostNode[] pair : new HostNode[][] {{a, c}, {c, b}, {a, b}}) {
                String reply = pair[0].call(pair[1], Duration.ofSeconds(5));
                assertTrue(reply.startsWith("CALLED "), pair[0] + " calls " + pair[1] + ": " + reply);
                calls++;
            }
            String ping = a.ping(c, Duration.ofSeconds(5));
            assertTrue(ping.startsWith("PINGED "), ping);
            across.add(HostNode.micros(ping));
            ping = a.ping(b, Duration.ofSeconds(5));
            assertTrue(ping.startsWith("PINGED "), ping);
            within.add(HostNode.micros(ping));
        }
        for (int i = 0; i < nodes.size(); i++) {
            List<String> downs = nodes.get(i).process.lines().subList(from[i], nodes.get(i).process.lineCount())
                    .stream().filter(line -> line.startsWith("DOWN ")).toList();
            assertEquals(List.of(), downs, nodes.get(i) + " saw a node down over the degraded links");
        }
        String acrossFigures = figures(across);
        String withinFigures = figures(within);
        System.out.println("degraded: " + calls + " calls in " + OBSERVED.toSeconds() + " s, none failed, no node-down;"
                + " round trip across the router (1 % loss, 20 ms ± 5 ms each way) " + acrossFigures
                + "; within a site (1 % loss) " + withinFigures + "; relay " + hosts.delayStats());
        long medianAcross = percentile(across, 50);
        assertTrue(medianAcross >= 2 * (ONE_WAY.toNanos() - JITTER.toNanos()) / 1000
                && medianAcross <= 2 * (ONE_WAY.toNanos() + JITTER.toNanos()) / 1000 + 20_000,
                "the round trip across the router is twice its one-way delay: " + acrossFigures);
        assertTrue(percentile(within, 50) < 10_000, "within a site there is no delay: " + withinFigures);
    }

    private static String figures(List<Long> micros) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d pings", percentile(micros, 50) / 1000.0,
                percentile(micros, 99) / 1000.0, percentile(micros, 100) / 1000.0, micros.size());
    }

    private static long percentile(List<Long> values, int percent) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
