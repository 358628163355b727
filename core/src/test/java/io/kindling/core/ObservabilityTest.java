package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.api.metrics.PeerMetrics;
import io.kindling.api.metrics.PoolMetrics;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.pool.Pool;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Metrics and JFR events, read back from real calls between real nodes. */
class ObservabilityTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    final Closer closer = new Closer();

    private KindlingNode node(String name) {
        return closer.add(KindlingNode.builder().name(name + "@127.0.0.1").cookie("observability-test").start());
    }

    /**
     * Loading a class that extends {@code jdk.jfr.Event} wakes JFR up (70 to 150 ms in a fresh JVM: a runner's first
     * handshake used to pay it). Without a recording, a node must load none: connect, call, cast and close in a
     * fresh JVM, and read its class-loading log.
     */
    @Test
    void withoutARecordingNoEventClassIsLoaded() throws Exception {
        List<String> command = new java.util.ArrayList<>(io.kindling.testsupport.ChildProcess.javaCommand(
                QuietJfrMain.class, List.of()));
        command.add(1, "-Xlog:class+load=info:stdout");
        try (var child = io.kindling.testsupport.ChildProcess.start("quiet-jfr", command, Map.of())) {
            child.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("done "));
            assertTrue(child.output().contains("done 42"), child.output());
            assertTrue(child.output().contains("io.kindling.core.internal.jfr.Jfr "), "the log lists loaded classes");
            List<String> events = child.lines().stream().filter(line -> line.contains("io.kindling.core.internal.jfr.")
                    && line.contains("Event ") || line.contains(" jdk.jfr.Event ")).toList();
            assertEquals(List.of(), events, "event classes loaded with no recording");
        }
    }

    @Test
    void metricsCountCallsByOutcomeBytesAndRoundTrips() throws Exception {
        KindlingNode caller = node("metrics-a");
        KindlingNode callee = node("metrics-b");
        NodeName peer = caller.connect(callee.address());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, caller.call(peer, () -> 0, WAIT) + i);
        }
        assertThrows(RemoteExecutionException.class, () -> caller.call(peer, () -> {
            throw new IllegalStateException("no");
        }, WAIT));
        assertThrows(RpcTimeoutException.class, () -> caller.call(peer, () -> {
            Thread.sleep(10_000);
            return 0;
        }, Duration.ofMillis(100)));

        NodeMetrics out = caller.metrics();
        assertEquals(10, out.callsOut().ok());
        assertEquals(1, out.callsOut().failed());
        assertEquals(1, out.callsOut().timedOut(), out.toString());
        assertEquals(12, out.latency().count());
        assertTrue(out.latency().p50Micros() > 0 && out.latency().p50Micros() <= out.latency().p99Micros()
                && out.latency().p99Micros() <= out.latency().maxMicros() * 1.07, out.latency().toString());
        assertTrue(out.latency().maxMicros() >= 100_000, "the timed-out call took 100 ms: " + out.latency());
        assertEquals(1, out.connections());
        PeerMetrics toCallee = out.peers().getFirst();
        assertEquals(peer, toCallee.peer());
        assertTrue(toCallee.bytesOut() > 0 && toCallee.bytesIn() > 0, toCallee.toString());

        Await.until("the callee counts the cancelled call", WAIT,
                () -> callee.metrics().callsIn().cancelled() == 1);
        NodeMetrics in = callee.metrics();
        assertEquals(10, in.callsIn().ok());
        assertEquals(1, in.callsIn().failed());
        assertEquals(0, in.tasksRunning());
        Await.until("what one sent, the other received", WAIT,
                () -> caller.metrics().bytesOut() == callee.metrics().bytesIn());

        caller.disconnect(peer);
        Await.until("disconnected", WAIT, () -> caller.metrics().connections() == 0);
        NodeMetrics after = caller.metrics();
        assertEquals(out.callsOut(), after.callsOut(), "a closed connection's counts stay in the totals");
        assertTrue(after.bytesOut() >= out.bytesOut());
        assertTrue(after.peers().isEmpty());
    }

    @Test
    void poolMetricsCountRunnersAndBoots() {
        KindlingNode parent = node("metrics-parent");
        Pool pool = closer.add(Pool.builder(parent).name("metered").max(1).start());
        assertEquals(7, (int) pool.call(() -> 7));
        PoolMetrics metrics = parent.metrics().pools().getFirst();
        assertEquals(new PoolMetrics("metered", 1, 0, 0, 0, 1, 0), metrics);
    }

    @Test
    void jfrEventsDescribeCallsHandshakesNodesRefreshesBootsAndQueueWaits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kindling.jfr");
        try (Recording recording = new Recording()) {
            for (String name : List.of("CallOut", "CallIn", "Handshake", "NodeUp", "NodeDown", "ClusterRefresh",
                    "RunnerBoot", "PoolQueueWait")) {
                recording.enable("kindling." + name);
            }
            recording.start();
            KindlingNode a = node("jfr-a");
            KindlingNode b = node("jfr-b");
            try (Cluster cluster = Cluster.builder(a).strategy(DiscoveryStrategy.fixed(List.of(b.address())))
                    .name("jfr").start()) {
                cluster.refresh();
            }
            assertEquals(3, (int) a.call(b.name(), () -> 3, WAIT));
            try (Pool pool = Pool.builder(a).name("jfr-pool").max(1).start()) {
                assertEquals(4, (int) pool.call(() -> 4));
            }
            a.disconnect(b.name());
            Await.until("b down", WAIT, () -> !a.connectedNodes().contains(b.name()));
            recording.stop();
            recording.dump(file);
        }
        Map<String, List<RecordedEvent>> events = RecordingFile.readAllEvents(file).stream()
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));

        RecordedEvent callOut = events.get("kindling.CallOut").stream()
                .filter(e -> e.getString("peer").equals("jfr-b@127.0.0.1")).findFirst().orElseThrow();
        assertEquals("OK", callOut.getString("outcome"));
        assertTrue(callOut.getString("taskClass").contains("ObservabilityTest"), callOut.toString());
        assertTrue(callOut.getLong("requestBytes") > 0 && !callOut.getDuration().isNegative());
        RecordedEvent callIn = events.get("kindling.CallIn").stream()
                .filter(e -> e.getString("peer").equals("jfr-a@127.0.0.1")).findFirst().orElseThrow();
        assertEquals("OK", callIn.getString("outcome"));
        assertTrue(events.get("kindling.Handshake").stream().anyMatch(e -> e.getBoolean("dialed")
                && e.getString("peer").equals("jfr-b@127.0.0.1") && e.getString("outcome").equals("OK")));
        assertTrue(events.get("kindling.Handshake").stream().anyMatch(e -> !e.getBoolean("dialed")
                && e.getString("outcome").equals("OK")));
        assertTrue(events.get("kindling.NodeUp").stream().anyMatch(e -> e.getString("peer").equals("jfr-b@127.0.0.1")));
        RecordedEvent down = events.get("kindling.NodeDown").stream()
                .filter(e -> e.getString("peer").equals("jfr-b@127.0.0.1")).findFirst().orElseThrow();
        assertTrue(down.getBoolean("onPurpose"), down.toString());
        assertTrue(down.getString("reason").contains("disconnected"), down.toString());
        RecordedEvent refresh = events.get("kindling.ClusterRefresh").getFirst();
        assertEquals("jfr", refresh.getString("cluster"));
        assertEquals(1, refresh.getInt("nodes"));
        assertTrue(refresh.getString("outcome").startsWith("ok"), refresh.toString());
        RecordedEvent boot = events.get("kindling.RunnerBoot").getFirst();
        assertEquals("jfr-pool", boot.getString("pool"));
        assertEquals("OK", boot.getString("outcome"));
        RecordedEvent wait = events.get("kindling.PoolQueueWait").getFirst();
        assertEquals("jfr-pool", wait.getString("pool"));
        assertFalse(wait.getString("runner").isEmpty());
    }
}
