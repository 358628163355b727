package io.kindling.core.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Transport;
import io.kindling.core.internal.Threads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Fuzzes the handshake as the acceptor reads it (HELLO, then PROOF) and as the dialer reads it (CHALLENGE, then
 * ACCEPT): first the message readers, then the whole {@link Authenticator} run over a connection whose input is the
 * fuzz bytes. A reader throws only the documented {@link IOException} or {@link KindlingException} (a
 * {@code HandshakeException}, an {@code AuthenticationException}); the acceptor ends in {@code null} with a
 * {@link KindlingException} whose cause is not an unexpected runtime exception; the dialer throws only a
 * {@link KindlingException}. Seeds are messages written by {@link Handshake}'s own writers ({@link #main}).
 */
class HandshakeFuzzTest {

    private static final NodeName SELF = NodeName.parse("fuzz-self@127.0.0.1");
    private static final NodeName PEER = NodeName.parse("fuzz-peer@127.0.0.1");
    private static final byte[] COOKIE = "fuzz-handshake-cookie".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService TIMER = Threads.timer("fuzz-handshake");
    /** No failure delay: the fuzzer fails most handshakes, and the delay would only slow it. */
    private static final Authenticator AUTHENTICATOR = new Authenticator(SELF, COOKIE, 1, NodeAttributes.empty(),
            Duration.ofSeconds(5), Duration.ZERO, TIMER);

    @FuzzTest(maxDuration = "10m")
    void acceptor(byte[] input) throws IOException {
        InputStream in = new ByteArrayInputStream(input);
        try {
            Handshake.readHello(in);
            Handshake.readProof(in);
        } catch (IOException | KindlingException refused) {
            // the documented refusals
        }
        Arbiter arbiter = new Arbiter();
        AUTHENTICATOR.accept(new Connection(input), arbiter);
        arbiter.check();
    }

    @FuzzTest(maxDuration = "10m")
    void dialer(byte[] input) {
        InputStream in = new ByteArrayInputStream(input);
        try {
            Handshake.readChallenge(in);
            Handshake.readAccept(in, PEER, "fuzz");
        } catch (IOException | KindlingException refused) {
            // the documented refusals
        }
        try {
            AUTHENTICATOR.dial(new Connection(input), new NodeAddress(PEER, "127.0.0.1", 4370),
                    new NodeAddress(SELF, "127.0.0.1", 4371));
        } catch (KindlingException | Authenticator.SimultaneousDial refused) {
            // the documented outcomes
        }
    }

    /** Lets every dialer on, and keeps what the attempt ended with. */
    private static final class Arbiter implements Authenticator.Arbiter {
        private KindlingException failure;

        @Override
        public int onHello(NodeName peer, long incarnation) {
            return Handshake.STATUS_OK;
        }

        @Override
        public void failed(KindlingException error) {
            failure = error;
        }

        void check() {
            Throwable cause = failure == null ? null : failure.getCause();
            if (cause instanceof RuntimeException && !(cause instanceof KindlingException)) {
                throw new AssertionError("the handshake failed on an unexpected " + cause, cause);
            }
        }
    }

    /** A connection whose input is the fuzz bytes and whose output goes nowhere. */
    private static final class Connection implements Transport.Connection {
        private final InputStream in;
        private final OutputStream out = OutputStream.nullOutputStream();

        Connection(byte[] input) {
            this.in = new ByteArrayInputStream(input);
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Writes the seeds: what a real dialer sends an acceptor, and what a real acceptor answers a dialer, by the
     * writers the nodes use. Run when the handshake changes:
     * {@code java -cp <test class path> io.kindling.core.internal.wire.HandshakeFuzzTest <inputs directory>}.
     *
     * @param args the inputs directory
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        byte[] key = Cookies.key(COOKIE);
        byte[] dialerNonce = Handshake.nonce();
        byte[] acceptorNonce = Handshake.nonce();
        NodeAttributes attributes = NodeAttributes.of(Map.of("kindling.region", "ams", "kindling.app.version", "7"));
        ByteArrayOutputStream toAcceptor = new ByteArrayOutputStream();
        Handshake.writeHello(toAcceptor, new Handshake.Hello(PEER, SELF, "127.0.0.1", 4370, 42, dialerNonce));
        Handshake.writeProof(toAcceptor, Handshake.proof(key, "dialer", PEER, SELF, dialerNonce, acceptorNonce,
                new byte[0]), attributes);
        ByteArrayOutputStream toDialer = new ByteArrayOutputStream();
        Handshake.writeChallenge(toDialer, new Handshake.Challenge(Handshake.STATUS_OK, null, PEER, 43,
                acceptorNonce));
        Handshake.writeAccept(toDialer, Handshake.STATUS_OK, Handshake.proof(key, "acceptor", SELF, PEER,
                dialerNonce, acceptorNonce, new byte[0]), attributes);
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        Handshake.writeChallenge(refused, new Handshake.Challenge(Handshake.STATUS_REFUSED, "name taken", PEER, 43,
                acceptorNonce));
        ByteArrayOutputStream badCookie = new ByteArrayOutputStream();
        Handshake.writeChallenge(badCookie, new Handshake.Challenge(Handshake.STATUS_OK, null, PEER, 43,
                acceptorNonce));
        Handshake.writeAccept(badCookie, Handshake.STATUS_BAD_COOKIE, new byte[0], NodeAttributes.empty());
        Files.createDirectories(dir.resolve("acceptor"));
        Files.createDirectories(dir.resolve("dialer"));
        Files.write(dir.resolve("acceptor/seed-hello-proof"), toAcceptor.toByteArray());
        Files.write(dir.resolve("dialer/seed-challenge-accept"), toDialer.toByteArray());
        Files.write(dir.resolve("dialer/seed-refused"), refused.toByteArray());
        Files.write(dir.resolve("dialer/seed-bad-cookie"), badCookie.toByteArray());
    }
}
