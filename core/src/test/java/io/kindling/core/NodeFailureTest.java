package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.AuthenticationException;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Peers that die, freeze or hold the wrong cookie; each test has its own child JVM. */
class NodeFailureTest {

    /** One latch per test, counted down on this JVM by the remote task once it runs. */
    static final CountDownLatch[] TASK_STARTED = {new CountDownLatch(1), new CountDownLatch(1)};
    static final AtomicInteger TASKS_RUN = new AtomicInteger();

    @Test
    void killMinusNineMidCallFailsTheCallWithNodeDownWithinOneSecond() throws Exception {
        try (ChildNode child = ChildNode.start("victim", "failure-cookie");
                KindlingNode node = KindlingNode.builder().name("survivor@127.0.0.1").cookie("failure-cookie")
                        .start()) {
            List<NodeEvent> events = new CopyOnWriteArrayList<>();
            node.monitor(events::add);
            node.connect(child.address);
            CompletableFuture<String> call = startLongCall(node, child, 0);

            long killed = System.nanoTime();
            child.process.destroyForcibly(); // SIGKILL
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            NodeDownException down = assertInstanceOf(NodeDownException.class, e.getCause());
            assertEquals(child.name(), down.node());
            assertTrue(failedAfterMs < 1000, "the call failed " + failedAfterMs + " ms after kill -9");
            Await.until("node-down event", Duration.ofSeconds(5), () -> events.stream()
                    .anyMatch(ev -> ev instanceof NodeEvent.NodeDown d && d.node().equals(child.name())));
            assertFalse(node.connectedNodes().contains(child.name()));
        }
    }

    @Test
    void aCrashIsLoggedAtWarningAndACloseEitherSideMeantAtInfo() throws Exception {
        List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(
                "io.kindling.core.internal.wire.Connections");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (ChildNode child = ChildNode.start("crasher", "failure-cookie");
                KindlingNode node = KindlingNode.builder().name("logger@127.0.0.1").cookie("failure-cookie").start();
                KindlingNode leaving = KindlingNode.builder().name("leaving@127.0.0.1").cookie("failure-cookie")
                        .start()) {
            node.connect(child.address);
            node.connect(leaving.address());
            child.process.destroyForcibly(); // SIGKILL: no BYE
            leaving.close(); // says BYE
            Await.until("both down", Duration.ofSeconds(10), () -> down(records, "crasher") != null
                    && down(records, "leaving") != null);
            assertEquals(java.util.logging.Level.WARNING, down(records, "crasher").getLevel(),
                    down(records, "crasher").getMessage());
            assertEquals(java.util.logging.Level.INFO, down(records, "leaving").getLevel(),
                    down(records, "leaving").getMessage());
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static java.util.logging.LogRecord down(List<java.util.logging.LogRecord> records, String name) {
        return records.stream().filter(r -> r.getMessage().startsWith("Node " + name + "@127.0.0.1 is down"))
                .findFirst().orElse(null);
    }

    @Test
    void stoppedProcessIsDeclaredDownWithinTheHeartbeatTimeoutAndReachableAfterContinue() throws Exception {
        try (ChildNode child = ChildNode.start("sleeper", "failure-cookie",
                "kindling.heartbeat.interval=200ms", "kindling.heartbeat.timeout=1s");
                KindlingNode node = KindlingNode.builder().name("watcher@127.0.0.1").cookie("failure-cookie")
                        .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)).start()) {
            List<NodeEvent> events = new CopyOnWriteArrayList<>();
            node.monitor(events::add);
            node.connect(child.address);
            CompletableFuture<String> call = startLongCall(node, child, 1);

            long stopped = System.nanoTime();
            child.signal("STOP");
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
            long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            NodeDownException down = assertInstanceOf(NodeDownException.class, e.getCause());
            assertTrue(down.getMessage().contains("no heartbeat"), down.getMessage());
            // timeout 1 s, checked every half interval: detection between 1 s and 1 s + a little
            assertTrue(detectedMs >= 900 && detectedMs < 2500, "declared down after " + detectedMs + " ms");
            Await.until("node-down event", Duration.ofSeconds(5), () -> events.stream()
                    .anyMatch(ev -> ev instanceof NodeEvent.NodeDown d && d.node().equals(child.name())));

            child.signal("CONT");
            assertEquals(child.name(), node.connect(child.address));
            assertEquals(child.pid(), (long) node.call(child.name(), () -> ProcessHandle.current().pid(),
                    Duration.ofSeconds(5)));
        }
    }

    /** Starts a remote task that sleeps a minute, and returns once it runs. */
    private static CompletableFuture<String> startLongCall(KindlingNode node, ChildNode child, int latch)
            throws InterruptedException {
        NodeName parent = node.name();
        CompletableFuture<String> call = node.callAsync(child.name(), () -> {
            KindlingNode.current().orElseThrow().call(parent, () -> {
                TASK_STARTED[latch].countDown();
                return null;
            }, Duration.ofSeconds(5));
            Thread.sleep(60_000);
            return "finished";
        }, Duration.ofSeconds(60));
        assertTrue(TASK_STARTED[latch].await(10, TimeUnit.SECONDS), "the remote task did not start");
        return call;
    }

    @Test
    void wrongCookieIsRefusedOnBothSidesAndNothingRuns() throws Exception {
        try (ChildNode child = ChildNode.start("guarded", "the-right-cookie");
                KindlingNode node = KindlingNode.builder().name("intruder@127.0.0.1").cookie("a-wrong-cookie")
                        .start()) {
            List<NodeEvent> events = new CopyOnWriteArrayList<>();
            node.monitor(events::add);

            // This node dials: the child refuses and says so in its log; this side gets AuthenticationException.
            AuthenticationException refused = assertThrows(AuthenticationException.class,
                    () -> node.connect(child.address));
            assertTrue(refused.getMessage().contains("guarded@127.0.0.1"), refused.getMessage());
            assertTrue(refused.getMessage().contains("cookie"), refused.getMessage());
            Await.until("the child's log line naming the intruder", Duration.ofSeconds(5), () -> child.output()
                    .stream().anyMatch(l -> l.contains("Refused node intruder@127.0.0.1") && l.contains("cookie")));

            // The child dials: this node refuses, and the child's connect fails with AuthenticationException.
            String reply = child.command("connect " + node.address(), Duration.ofSeconds(15));
            assertTrue(reply.startsWith("ERROR " + AuthenticationException.class.getName()), reply);
            assertTrue(reply.contains("intruder@127.0.0.1"), reply);

            assertTrue(node.connectedNodes().isEmpty());
            assertTrue(events.isEmpty(), events.toString());
            assertEquals(0, TASKS_RUN.get());
            assertThrows(io.kindling.api.NodeUnreachableException.class, () -> node.call(child.name(), () -> {
                TASKS_RUN.incrementAndGet();
                return null;
            }, Duration.ofSeconds(2)));
        }
    }
}
