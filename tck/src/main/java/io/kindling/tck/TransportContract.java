package io.kindling.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.spi.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Transport}: it listens on loopback with a chosen port, delivers an ordered byte stream
 * both ways, unblocks a reader when either end closes, makes {@code accept} fail once the listener is closed, and
 * fails a connect to a port nobody listens on with an {@link IOException}, and gives both ends of a connection the
 * same {@link Transport.Connection#channelBinding() channel binding}.
 */
public abstract class TransportContract {

    /** How long any one step may take before the contract calls it a hang. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private Transport transport;
    private Transport.Listener listener;

    /** For the {@code TransportContractTest} of each transport. */
    protected TransportContract() {
    }

    /** {@return a new transport under test} */
    protected abstract Transport createTransport();

    @BeforeEach
    void listen() throws IOException {
        transport = createTransport();
        listener = transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
        transport.close();
    }

    /** Accepts the next connection on another thread. */
    private CompletableFuture<Transport.Connection> acceptAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Reads one byte on another thread: the byte, -1 at the end, -2 when the read failed (a reset is an end). */
    private static CompletableFuture<Integer> readAsync(Transport.Connection connection) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return connection.input().read();
            } catch (IOException e) {
                return -2;
            }
        });
    }

    @Test
    void listensOnTheChosenFreePort() {
        assertTrue(listener.localAddress().getPort() > 0, "port 0 picks a free port: " + listener.localAddress());
    }

    @Test
    void bytesFlowInOrderBothWays() {
        assertTimeoutPreemptively(BOUND, () -> {
            CompletableFuture<Transport.Connection> accepted = acceptAsync();
            try (Transport.Connection dialed = transport.connect(listener.localAddress(), BOUND);
                    Transport.Connection server = accepted.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                byte[] sent = new byte[256 * 1024];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) (i * 31);
                }
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try {
                        dialed.output().write(sent);
                        dialed.output().flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertArrayEquals(sent, server.input().readNBytes(sent.length));
                writing.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                server.output().write(new byte[] {1, 2, 3});
                server.output().flush();
                assertArrayEquals(new byte[] {1, 2, 3}, dialed.input().readNBytes(3));
                assertTrue(server.remoteAddress() != null && dialed.remoteAddress() != null);
            }
        });
    }

    @Test
    void closingOneEndUnblocksTheOtherEndsReader() {
        assertTimeoutPreemptively(BOUND, () -> {
            CompletableFuture<Transport.Connection> accepted = acceptAsync();
            Transport.Connection dialed = transport.connect(listener.localAddress(), BOUND);
            try (Transport.Connection server = accepted.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                CompletableFuture<Integer> read = readAsync(server);
                dialed.close();
                int result = read.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                assertTrue(result < 0, "the reader saw the end, not data: " + result);
            }
            // Closing the local end unblocks a local reader as well.
            CompletableFuture<Transport.Connection> second = acceptAsync();
            try (Transport.Connection other = transport.connect(listener.localAddress(), BOUND);
                    Transport.Connection ignored = second.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                CompletableFuture<Integer> read = readAsync(other);
                other.close();
                assertTrue(read.get(BOUND.toSeconds(), TimeUnit.SECONDS) < 0);
            }
        });
    }

    @Test
    void acceptFailsOnceTheListenerIsClosed() {
        assertTimeoutPreemptively(BOUND, () -> {
            CompletableFuture<Object> accepting = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    return e;
                }
            });
            listener.close();
            assertTrue(accepting.get(BOUND.toSeconds(), TimeUnit.SECONDS) instanceof IOException,
                    "accept must throw IOException after close");
        });
    }

    @Test
    void connectToAPortNobodyListensOnFailsWithAnIoException() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        IOException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class,
                () -> transport.connect(nobody, Duration.ofSeconds(2))));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the message says why");
    }

    @Test
    void bothEndsAgreeOnTheChannelBinding() {
        assertTimeoutPreemptively(BOUND, () -> {
            CompletableFuture<Transport.Connection> accepted = acceptAsync();
            try (Transport.Connection dialed = transport.connect(listener.localAddress(), BOUND);
                    Transport.Connection server = accepted.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                // a byte each way first: a transport may set its session up on first use
                CompletableFuture<Integer> first = readAsync(server);
                dialed.output().write(1);
                dialed.output().flush();
                assertTrue(first.get(BOUND.toSeconds(), TimeUnit.SECONDS) == 1, "the dialer's byte arrived");
                CompletableFuture<Integer> second = readAsync(dialed);
                server.output().write(2);
                server.output().flush();
                assertTrue(second.get(BOUND.toSeconds(), TimeUnit.SECONDS) == 2, "the acceptor's byte arrived");
                assertArrayEquals(dialed.channelBinding(), server.channelBinding(),
                        "the cookie proofs cover the binding: both ends must compute the same bytes");
            }
        });
    }
}
