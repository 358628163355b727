package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.testsupport.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two nodes dialing each other at once end up with one connection that both use. */
class SimultaneousDialTest {

    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().start(r);

    @Test
    void simultaneousDialsResolveToOneConnection() throws Exception {
        try (KindlingNode a = KindlingNode.builder().name("a@127.0.0.1").cookie("sim").start();
                KindlingNode b = KindlingNode.builder().name("b@127.0.0.1").cookie("sim").start()) {
            List<NodeEvent> eventsA = new CopyOnWriteArrayList<>();
            List<NodeEvent> eventsB = new CopyOnWriteArrayList<>();
            a.monitor(eventsA::add);
            b.monitor(eventsB::add);
            for (int round = 0; round < 40; round++) {
                CyclicBarrier barrier = new CyclicBarrier(2);
                CompletableFuture<Object> fromA = CompletableFuture.supplyAsync(() -> {
                    await(barrier);
                    return a.connect(b.address());
                }, VIRTUAL);
                CompletableFuture<Object> fromB = CompletableFuture.supplyAsync(() -> {
                    await(barrier);
                    return b.connect(a.address());
                }, VIRTUAL);
                assertEquals(b.name(), fromA.get(10, TimeUnit.SECONDS));
                assertEquals(a.name(), fromB.get(10, TimeUnit.SECONDS));
                assertEquals(1, a.call(b.name(), () -> 1, Duration.ofSeconds(5)));
                assertEquals(2, b.call(a.name(), () -> 2, Duration.ofSeconds(5)));
                // A dial still in flight when connect() returned (satisfied by the other side's dial) lands
                // later and is retired; wait for that before disconnecting, or it would rightly reconnect.
                Await.until("no dial in flight", Duration.ofSeconds(5),
                        () -> a.settled(b.name()) && b.settled(a.name()));
                int expectedUps = round + 1;
                Await.until("one node-up per round on each side", Duration.ofSeconds(5),
                        () -> count(eventsA, NodeEvent.NodeUp.class) == expectedUps
                                && count(eventsB, NodeEvent.NodeUp.class) == expectedUps);
                // The loser of the race, if both dials completed, is retired without a node-down event.
                assertEquals(round, count(eventsA, NodeEvent.NodeDown.class), eventsA.toString());
                assertTrue(a.disconnect(b.name()));
                Await.until("both sides see the disconnect", Duration.ofSeconds(5), () -> "a:\n"
                        + a.describeConnections() + "b:\n" + b.describeConnections(),
                        () -> a.connectedNodes().isEmpty() && b.connectedNodes().isEmpty());
                Await.until("node-down on both sides", Duration.ofSeconds(5), () -> "a: " + tail(eventsA) + "\nb: "
                        + tail(eventsB) + "\na:\n" + a.describeConnections() + "b:\n" + b.describeConnections(),
                        () -> count(eventsA, NodeEvent.NodeDown.class) == expectedUps
                                && count(eventsB, NodeEvent.NodeDown.class) == expectedUps);
            }
        }
    }

    /**
     * A dial stuck in the network (its SYNs dropped, as across a partition that has just healed) does not make the
     * peer's own dial, which got through, wait for it: the node that dials the smaller name used to answer the
     * peer's handshake "simultaneous, mine wins" and leave it waiting until its timeout for a dial that never came.
     * Here {@code a}'s dial goes to a listener whose backlog is full, which drops SYNs on loopback as a partition does.
     */
    @Test
    void aDialStuckInTheNetworkGivesWayToThePeersDial() throws Exception {
        List<Socket> filling = new ArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                KindlingNode a = KindlingNode.builder().name("a@127.0.0.1").cookie("sim").start();
                KindlingNode b = KindlingNode.builder().name("b@127.0.0.1").cookie("sim").start()) {
            boolean full = false;
            for (int i = 0; i < 64 && !full; i++) {
                Socket socket = new Socket();
                filling.add(socket);
                try {
                    socket.connect(blackHole.getLocalSocketAddress(), 300);
                } catch (SocketTimeoutException e) {
                    full = true; // its SYN went unanswered: so will the node's
                }
            }
            assertTrue(full, "a listener that never accepts fills its backlog");
            NodeAddress unanswered = NodeAddress.parse("b@127.0.0.1:" + blackHole.getLocalPort());
            CompletableFuture<NodeName> stuck = CompletableFuture.supplyAsync(
                    () -> a.connect(unanswered, Duration.ofSeconds(20)), VIRTUAL);
            Await.until("a dials b", Duration.ofSeconds(5), () -> !a.settled(b.name()));
            // b's dial gets through: a takes it (before, a answered "simultaneous" and b waited 20 s, then failed)
            assertEquals(a.name(), b.connect(a.address(), Duration.ofSeconds(20)));
            assertEquals(b.name(), stuck.get(5, TimeUnit.SECONDS), "a's own connect is answered by b's dial");
            assertEquals(7, a.call(b.name(), () -> 7, Duration.ofSeconds(5)));
        } finally {
            for (Socket socket : filling) {
                socket.close();
            }
        }
    }

    private static List<NodeEvent> tail(List<NodeEvent> events) {
        return events.subList(Math.max(0, events.size() - 12), events.size());
    }

    private static long count(List<NodeEvent> events, Class<?> type) {
        return events.stream().filter(type::isInstance).count();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
