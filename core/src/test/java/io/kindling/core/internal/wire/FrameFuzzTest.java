package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;
import io.kindling.testsupport.EscapedExceptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the frames a node reads after a handshake, every type, from a real authenticated connection: a dialer
 * handshakes with a real node, sends the input, and ends its side. The node must close the connection within 5 s of
 * that end (a protocol violation closes it at once), log no unexpected failure, let no exception escape its threads,
 * and serve the next connection. Inputs holding the name of core's system tasks are skipped: one of them stops the
 * process by design. Seeds ({@link #main}): a real call and cast, a cancel, a tick, ping and pong, a bye, and the
 * malformed frames of {@code HostileInputTest}.
 */
class FrameFuzzTest {

    private static final String COOKIE = "frame-fuzz-cookie-8Rk2Xp5Nd1Qw7Ty4";
    private static final List<String> UNEXPECTED = new CopyOnWriteArrayList<>();
    private static final Logger WIRE = Logger.getLogger("io.kindling.core.internal.wire");
    private static final Handler SEVERE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                UNEXPECTED.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static EscapedExceptions escaped;
    private static KindlingNode target;

    @BeforeAll
    static void start() {
        escaped = EscapedExceptions.capture();
        WIRE.addHandler(SEVERE);
        target = KindlingNode.builder().name("frame-fuzz@127.0.0.1").cookie(COOKIE).start();
    }

    @AfterAll
    static void stop() {
        try {
            target.close();
        } finally {
            WIRE.removeHandler(SEVERE);
            escaped.close();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void frames(byte[] input) throws IOException {
        if (new String(input, StandardCharsets.ISO_8859_1).contains("SystemTasks")) {
            return;
        }
        try (Socket socket = new Socket(target.address().host(), target.address().port())) {
            socket.setSoTimeout(5000);
            RawPeer.handshake(socket, target.name(), COOKIE);
            try {
                socket.getOutputStream().write(input);
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the node closed on a violation before all of it arrived
            }
            InputStream in = socket.getInputStream();
            try {
                in.readAllBytes(); // the node's answers, until it closes
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the node kept the connection 5 s after the dialer's end");
            } catch (IOException reset) {
                // closed with a reset: closed
            }
        }
        assertEquals(List.of(), escaped.escaped(), "escaped the node's threads");
        assertEquals(List.of(), UNEXPECTED, "the node logged an unexpected failure");
    }

    /**
     * Writes the seeds. Run when the frames change:
     * {@code java -cp <test class path> io.kindling.core.internal.wire.FrameFuzzTest <inputs directory>}.
     *
     * @param args the inputs directory
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0], "frames");
        Files.createDirectories(dir);
        RemoteCallable<Integer> task = () -> 3 + 4;
        Files.write(dir.resolve("seed-call"), RawPeer.call(1, task));
        byte[] call = RawPeer.call(2, task);
        byte[] cast = call.clone();
        cast[4] = (byte) Frames.CAST;
        Files.write(dir.resolve("seed-cast"), cast);
        Files.write(dir.resolve("seed-call-then-cancel"), concat(RawPeer.call(3, (RemoteCallable<Integer>) () -> {
            Thread.sleep(10_000);
            return 0;
        }), new byte[] {0, 0, 0, 9, Frames.CANCEL, 0, 0, 0, 0, 0, 0, 0, 3}));
        Files.write(dir.resolve("seed-tick-ping-pong"), new byte[] {0, 0, 0, 1, Frames.TICK, 0, 0, 0, 9, Frames.PING,
                0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, Frames.PONG, 0, 0, 0, 0, 0, 0, 0, 1});
        Files.write(dir.resolve("seed-bye"), new byte[] {0, 0, 0, 2, Frames.BYE, 1});
        Files.write(dir.resolve("seed-unknown-type"), new byte[] {0, 0, 0, 1, 99});
        Files.write(dir.resolve("seed-over-max-size"), new byte[] {0x7f, 0, 0, 0, 1});
        Files.write(dir.resolve("seed-short-call"), new byte[] {0, 0, 0, 3, 1, 0, 0});
        Files.write(dir.resolve("seed-undecodable-task"), new byte[] {0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
            99});
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
