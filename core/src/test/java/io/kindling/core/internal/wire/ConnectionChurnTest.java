package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.api.NodeEvent;
import io.kindling.core.KindlingNode;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many peers with names never seen again connect, authenticate and go, some breaking the protocol in their first
 * frame: the node forgets each (its per-peer state does not grow with every name that ever connected) and tells a
 * node-down for every node-up, even for a connection that died as it opened. Found by fuzzing the frames: the node
 * kept a slot per name for ever, and a connection closed before it was registered became the peer's connection,
 * announced up and never down.
 */
class ConnectionChurnTest {

    private static final String COOKIE = "churn-cookie-4Lq9Wd2Xz7Rk1Tb6";
    private static final int PEERS = 300;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void peersThatComeAndGoLeaveNoStateAndEveryUpHasItsDown() throws Exception {
        KindlingNode target = closer.add(KindlingNode.builder().name("churn@127.0.0.1").cookie(COOKIE).start());
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        target.monitor(events::add);
        for (int i = 0; i < PEERS; i++) {
            try (Socket socket = new Socket(target.address().host(), target.address().port())) {
                socket.setSoTimeout(5000);
                RawPeer.handshake(socket, target.name(), COOKIE);
                if (i % 2 == 0) {
                    socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 99}); // an unknown frame type: closed
                }
                socket.shutdownOutput();
                try {
                    socket.getInputStream().readAllBytes();
                } catch (IOException reset) {
                    // closed with a reset: closed
                }
            }
        }
        Await.until("a node-down for every node-up", Duration.ofSeconds(20), () -> ups(events) + " up, "
                + downs(events) + " down", () -> ups(events) == downs(events));
        Map<?, ?> slots = slots(target);
        Await.until("no per-peer state left", Duration.ofSeconds(20), () -> slots.size() + " slots: "
                + slots.keySet(), slots::isEmpty);
        assertEquals(0, target.connectedNodes().size());
    }

    private static long ups(List<NodeEvent> events) {
        return events.stream().filter(e -> e instanceof NodeEvent.NodeUp).count();
    }

    private static long downs(List<NodeEvent> events) {
        return events.stream().filter(e -> e instanceof NodeEvent.NodeDown).count();
    }

    /** The node's per-peer slots, read by reflection: internal state with no accessor of its own. */
    private static Map<?, ?> slots(KindlingNode node) throws ReflectiveOperationException {
        var connectionsField = KindlingNode.class.getDeclaredField("connections");
        connectionsField.setAccessible(true);
        Object connections = connectionsField.get(node);
        var slotsField = Connections.class.getDeclaredField("slots");
        slotsField.setAccessible(true);
        return (Map<?, ?>) slotsField.get(connections);
    }
}
