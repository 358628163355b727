package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.core.KindlingNode;
import io.kindling.testsupport.EscapedExceptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated, oversized, slow-drip and malformed input on a node's port, from a raw socket. The node must
 * close that connection, let no exception escape, allocate nothing big, and keep serving a good peer.
 */
class HostileInputTest {

    private static final String COOKIE = "hostile-cookie";
    private EscapedExceptions escaped;
    private KindlingNode target;
    private KindlingNode good;

    @BeforeEach
    void start() {
        escaped = EscapedExceptions.capture();
        target = KindlingNode.builder().name("target@127.0.0.1").cookie(COOKIE)
                .set("kindling.handshake.timeout", "1s").start();
        good = KindlingNode.builder().name("good@127.0.0.1").cookie(COOKIE).start();
    }

    @AfterEach
    void stop() {
        try {
            good.close();
            target.close();
        } finally {
            escaped.close();
        }
        assertTrue(escaped.escaped().isEmpty(), "exceptions escaped: " + escaped.escaped());
    }

    @Test
    void garbageIsClosed() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0; // a plausible small length, so the node reads on and finds no magic
        garbage[1] = 0;
        try (Socket socket = open()) {
            socket.getOutputStream().write(garbage);
            assertClosedWithin(socket, Duration.ofSeconds(3));
        }
        assertGoodPeerServed();
    }

    @Test
    void truncatedHelloIsClosed() throws Exception {
        try (Socket socket = open()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[] {'K', 'N', 'D', 'L', 0, 1});
            socket.shutdownOutput();
            assertClosedWithin(socket, Duration.ofSeconds(3));
        }
        assertGoodPeerServed();
    }

    @Test
    void oversizedHelloIsRefusedBeforeItsBytesArrive() throws Exception {
        try (Socket socket = open()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(Integer.MAX_VALUE);
            out.flush();
            long started = System.nanoTime();
            assertClosedWithin(socket, Duration.ofSeconds(3));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(ms < 900, "closed after " + ms + " ms: it waited instead of refusing the length at once");
        }
        assertGoodPeerServed();
    }

    @Test
    void slowDripIsCutOffByTheHandshakeDeadline() throws Exception {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) {
                try {
                    out.write(i == 3 ? 64 : 0); // a length of 64, then one byte at a time
                    out.flush();
                    socket.setSoTimeout(100);
                    closed = socket.getInputStream().read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // keep dripping
                } catch (IOException reset) {
                    closed = true;
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(closed, "still open after " + ms + " ms of slow drip");
            assertTrue(ms >= 900 && ms < 3000, "closed after " + ms + " ms; the handshake timeout is 1 s");
        }
        assertGoodPeerServed();
    }

    @Test
    void malformedFramesAfterAValidHandshakeAreClosed() throws Exception {
        for (byte[] frame : List.of(
                new byte[] {0, 0, 0, 1, 99},                        // unknown frame type
                new byte[] {0x7f, 0, 0, 0, 1},                      // length over kindling.frame.max-size
                new byte[] {0, 0, 0, 3, 1, 0, 0},                   // CALL shorter than its id
                new byte[] {0, 0, 0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1},  // CALL without its code fingerprint
                new byte[] {0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 99})) { // CALL whose task is undecodable
            try (Socket socket = open()) {
                handshake(socket);
                socket.getOutputStream().write(frame);
                socket.getOutputStream().flush();
                if (frame[4] == 1 && frame.length == 16) {
                    // undecodable task: the call fails, the connection stays; the node answers with a FAILURE frame
                    socket.setSoTimeout(3000);
                    InputStream in = socket.getInputStream();
                    int type = -1;
                    for (int i = 0; i < 20 && type != Frames.FAILURE; i++) {
                        byte[] header = in.readNBytes(5);
                        int length = Frames.readInt(header, 0);
                        type = header[4];
                        in.readNBytes(length - 1);
                    }
                    assertEquals(Frames.FAILURE, type);
                } else {
                    assertClosedWithin(socket, Duration.ofSeconds(3));
                }
            }
            assertGoodPeerServed();
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", target.address().port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private void handshake(Socket socket) throws IOException {
        RawPeer.handshake(socket, target.name(), COOKIE);
    }

    private static void assertClosedWithin(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node did not close the connection within " + timeout.toMillis() + " ms");
        } catch (IOException reset) {
            // closed with a reset: also closed
        }
    }

    private void assertGoodPeerServed() {
        if (!good.connectedNodes().contains(target.name())) {
            good.connect(target.address());
        }
        assertEquals(7, good.call(target.name(), () -> 3 + 4, Duration.ofSeconds(5)));
    }
}
