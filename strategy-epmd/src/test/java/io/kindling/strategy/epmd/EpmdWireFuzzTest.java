package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.testsupport.EscapedExceptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes both ends of the EPMD protocol over real loopback sockets. {@link #portMapperRequests}: any bytes a client
 * sends to Kindling's port mapper end with the mapper closing that connection within 5 s (or, for a valid
 * registration, keeping it), no exception escaping its threads, and the mapper still answering {@code NAMES_REQ}.
 * A node stays registered meanwhile, so that a {@code KILL_REQ} is refused, as by {@code epmd}.
 * {@link #clientReplies}: any reply to Kindling's client (to {@code NAMES_REQ}, {@code PORT_PLEASE2_REQ} or
 * {@code ALIVE2_REQ}, chosen by the input's first byte) ends in an answer or an {@link EpmdException}, within the
 * client's timeout. Seeds: the exchanges recorded from a real {@code epmd} ({@code ../shared/reference/
 * epmd-exchanges.json}), under {@code src/test/resources/io/kindling/strategy/epmd/EpmdWireFuzzTestInputs}.
 */
class EpmdWireFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static EscapedExceptions escaped;
    private static PortMapper mapper;
    /** Held for the whole run: with a node registered, a KILL_REQ is answered NO (as epmd), not obeyed. */
    private static EpmdRegistration holder;
    private static ServerSocket fakeMapper;
    private static volatile byte[] reply = new byte[0];
    private static Thread fakeMapperThread;

    @BeforeAll
    static void start() throws IOException {
        escaped = EscapedExceptions.capture();
        mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
        holder = new EpmdClient("127.0.0.1", mapper.port(), BOUND).register("fuzz-holder", 4370, 77, new byte[0]);
        fakeMapper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        fakeMapperThread = Thread.ofPlatform().daemon().name("fake-epmd").start(() -> {
            while (!fakeMapper.isClosed()) {
                try (Socket client = fakeMapper.accept()) {
                    client.setSoTimeout((int) BOUND.toMillis());
                    client.getInputStream().readNBytes(2); // the request's length; the rest is not read
                    client.getOutputStream().write(reply);
                    client.getOutputStream().flush();
                    client.shutdownOutput();
                    client.getInputStream().readAllBytes(); // until the client closes
                } catch (IOException e) {
                    // the next input gets a new connection
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            holder.close();
            mapper.close();
            fakeMapper.close();
            fakeMapperThread.join(BOUND);
        } finally {
            escaped.close();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void portMapperRequests(byte[] request) throws Exception {
        // A registration (ALIVE2_REQ, tag 'x') lives as long as its connection: its reply is read, not an end.
        boolean registration = request.length >= 3 && request[2] == 'x';
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mapper.port())) {
            socket.setSoTimeout(registration ? 300 : (int) BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the mapper may close on a bad prefix before the rest arrives
            }
            InputStream in = socket.getInputStream();
            try {
                in.readAllBytes(); // ends when the mapper closes
            } catch (SocketTimeoutException e) {
                assertTrue(registration, "the mapper kept a connection open for " + BOUND.toMillis() + " ms for a "
                        + "request that is not a registration");
            } catch (IOException reset) {
                // closed with a reset: closed
            }
        }
        assertTrue(escaped.escaped().isEmpty(), "escaped the mapper's threads: " + escaped.escaped());
        assertTrue(new EpmdClient("127.0.0.1", mapper.port(), BOUND).names() != null, "the mapper still answers");
    }

    @FuzzTest(maxDuration = "10m")
    void clientReplies(byte[] input) {
        if (input.length == 0) {
            return;
        }
        reply = java.util.Arrays.copyOfRange(input, 1, input.length);
        EpmdClient client = new EpmdClient("127.0.0.1", fakeMapper.getLocalPort(), Duration.ofSeconds(2));
        long started = System.nanoTime();
        try {
            switch (Math.floorMod(input[0], 3)) {
                case 0 -> client.names();
                case 1 -> client.lookup("fuzz");
                default -> client.register("fuzz", 4370, 77, new byte[0]).close();
            }
        } catch (EpmdException refused) {
            // the documented refusal
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < BOUND.toMillis(), "the client took " + millis + " ms over a reply that was all there");
        assertEquals(List.of(), escaped.escaped());
    }
}
