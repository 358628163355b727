package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RemoteFailure;
import io.kindling.api.RpcTimeoutException;
import io.kindling.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes in two JVMs: this test's JVM (module path) and a child JVM (class path). */
class TwoJvmRpcTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final CountDownLatch CAST_ARRIVED = new CountDownLatch(1);
    static final CountDownLatch REMOTE_INTERRUPTED = new CountDownLatch(1);

    private static ChildNode child;
    private static KindlingNode node;
    private static final List<NodeEvent> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startNodes() throws Exception {
        child = ChildNode.start("child", "two-jvm-cookie");
        node = KindlingNode.builder().name("parent@127.0.0.1").cookie("two-jvm-cookie").start();
        node.monitor(EVENTS::add);
        assertEquals(child.name(), node.connect(child.address));
    }

    @AfterAll
    static void stopNodes() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (child != null) {
                child.close();
            }
        }
    }

    @Test
    void callRunsInTheOtherJvm() {
        long remotePid = node.call(child.name(), () -> ProcessHandle.current().pid(), TIMEOUT);
        assertEquals(child.pid(), remotePid);
        assertNotEquals(ProcessHandle.current().pid(), remotePid);
        String remoteNode = node.call(child.name(),
                () -> KindlingNode.current().orElseThrow().name().toString(), TIMEOUT);
        assertEquals("child@127.0.0.1", remoteNode);
    }

    @Test
    void callAsyncCompletesWithTheResult() throws Exception {
        int base = 20;
        CompletableFuture<Integer> future = node.callAsync(child.name(), () -> base * 2 + 2, TIMEOUT);
        assertEquals(42, future.get(10, TimeUnit.SECONDS));
    }

    @Test
    void castRunsWithoutAResult() throws Exception {
        NodeName parent = node.name();
        node.cast(child.name(), () -> KindlingNode.current().orElseThrow().call(parent, () -> {
            CAST_ARRIVED.countDown();
            return null;
        }, Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS);
        assertTrue(CAST_ARRIVED.await(10, TimeUnit.SECONDS), "the cast task did not run on the child");
    }

    @Test
    void remoteExceptionArrivesWithItsRemoteStack() {
        RemoteExecutionException e = assertThrows(RemoteExecutionException.class,
                () -> node.call(child.name(), () -> {
                    throw new IllegalStateException("boom on " + ProcessHandle.current().pid());
                }, TIMEOUT));
        assertEquals(child.name(), e.node());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("boom on " + child.pid(), cause.getMessage());
        // The stack is the one it had on the child: it runs through the task and the runtime's task runner there.
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getMethodName().contains("lambda$")),
                Arrays.toString(cause.getStackTrace()));
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getMethodName().equals("runTask")),
                Arrays.toString(cause.getStackTrace()));
    }

    @Test
    void exceptionThatCannotBeSentArrivesAsACopy() {
        RemoteExecutionException e = assertThrows(RemoteExecutionException.class,
                () -> node.call(child.name(), () -> {
                    throw new UnsendableException("cannot travel");
                }, TIMEOUT));
        RemoteFailure copy = assertInstanceOf(RemoteFailure.class, e.getCause());
        assertEquals(UnsendableException.class.getName(), copy.remoteClassName());
        assertEquals("cannot travel", copy.getMessage());
        assertTrue(copy.getStackTrace().length > 0);
    }

    @Test
    void taskThatCannotBeEncodedFailsClearly() {
        Object notSerializable = new Object();
        KindlingException e = assertThrows(KindlingException.class,
                () -> node.call(child.name(), () -> notSerializable.hashCode(), TIMEOUT));
        assertTrue(e.getMessage().contains("must be serializable"), e.getMessage());
    }

    @Test
    void thousandConcurrentCallsOnOneConnectionAllAnswerCorrectly() throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            futures.add(node.callAsync(child.name(), () -> {
                Thread.sleep(n % 7);
                return n * 3;
            }, Duration.ofSeconds(30)));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i * 3, futures.get(i).get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, node.connectedNodes().size());
    }

    @Test
    void timeoutRaisesAndInterruptsTheRemoteTask() throws Exception {
        NodeName parent = node.name();
        long started = System.nanoTime();
        RpcTimeoutException e = assertThrows(RpcTimeoutException.class,
                () -> node.call(child.name(), () -> {
                    try {
                        Thread.sleep(60_000);
                        return "slept";
                    } catch (InterruptedException interrupted) {
                        KindlingNode.current().orElseThrow().call(parent, () -> {
                            REMOTE_INTERRUPTED.countDown();
                            return null;
                        }, Duration.ofSeconds(5));
                        throw interrupted;
                    }
                }, Duration.ofMillis(300)));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(elapsedMs >= 300 && elapsedMs < 5000, "timed out after " + elapsedMs + " ms");
        assertEquals(child.name(), e.node());
        assertTrue(REMOTE_INTERRUPTED.await(10, TimeUnit.SECONDS), "the remote task was not interrupted");
    }

    @Test
    void pingMeasuresARoundTrip() {
        Duration rtt = node.ping(child.name(), TIMEOUT);
        assertTrue(rtt.toNanos() > 0 && rtt.compareTo(TIMEOUT) < 0, rtt.toString());
    }

    @Test
    void peerAttributesAndEventsAreVisible() throws Exception {
        assertEquals("child", node.attributesOf(child.name()).orElseThrow().get("role").orElseThrow());
        Await.until("node-up event", TIMEOUT, () -> EVENTS.stream()
                .anyMatch(ev -> ev instanceof NodeEvent.NodeUp up && up.node().equals(child.name())));
        assertTrue(node.connectedNodes().contains(child.name()));
    }

    /** An exception with a field that cannot be serialized. */
    static final class UnsendableException extends RuntimeException {
        @SuppressWarnings("unused")
        private final transient Object ok = new Object();
        private final Thread notSerializable = Thread.currentThread();

        UnsendableException(String message) {
            super(message);
        }
    }
}
