package io.kindling.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.AuthenticationException;
import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;
import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes over the {@code tls} transport, with certificates made by {@code keytool} for the test: two JVMs calling
 * each other; refusals (untrusted, expired, a certificate that does not name the node) with a clear error at both
 * ends, the acceptor's read from its log; relays between two nodes; rotation without restart.
 */
class TlsNodesTest {

    private static final String COOKIE = "Jt0bE2sWq9n4Vx7cLr1yKd8uPa5mGh3z";
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final String TLS = "kindling.transport.tls.";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Authority ca;
    private static TestPki.Authority otherCa;
    private static Path trustCa;
    private static Path trustBoth;
    private static TestPki.NodeCertificate alice;
    private static TestPki.NodeCertificate bob;
    private static TestPki.NodeCertificate relay;
    private static TestPki.NodeCertificate expired;
    private static TestPki.NodeCertificate elsewhere;
    private static TestPki.NodeCertificate foreign;
    private static TestPki.NodeCertificate foreign2;

    @RegisterExtension
    final Closer closer = new Closer();

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki(dir);
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TestPki.Authority> first = parallel.submit(() -> pki.authority("ca"));
            Future<TestPki.Authority> second = parallel.submit(() -> pki.authority("other-ca"));
            ca = first.get();
            otherCa = second.get();
            trustCa = pki.trustStore("trust-ca", ca);
            trustBoth = pki.bundle("trust-both", ca, otherCa);
            String ip = "ip:127.0.0.1";
            Future<TestPki.NodeCertificate> a = parallel.submit(() -> pki.node("alice", ca, ip, null, 2));
            Future<TestPki.NodeCertificate> b = parallel.submit(() -> pki.node("bob", ca, ip, null, 2));
            Future<TestPki.NodeCertificate> r = parallel.submit(() -> pki.node("relay", ca, ip, null, 2));
            Future<TestPki.NodeCertificate> x = parallel.submit(() -> pki.node("expired", ca, ip, "-10d", 1));
            Future<TestPki.NodeCertificate> e = parallel.submit(() -> pki.node("elsewhere", ca,
                    "dns:elsewhere.example", null, 2));
            Future<TestPki.NodeCertificate> f = parallel.submit(() -> pki.node("foreign", otherCa, ip, null, 2));
            Future<TestPki.NodeCertificate> f2 = parallel.submit(() -> pki.node("foreign2", otherCa, ip, null, 2));
            alice = a.get();
            bob = b.get();
            relay = r.get();
            expired = x.get();
            elsewhere = e.get();
            foreign = f.get();
            foreign2 = f2.get();
        }
    }

    /** Settings of a tls node with PEM files. */
    private static List<String> pem(TestPki.NodeCertificate certificate, Path trusted) {
        return List.of("kindling.transport=tls", TLS + "certificate=" + certificate.certificatePem(),
                TLS + "private-key=" + certificate.privateKeyPem(), TLS + "trust-certificates=" + trusted);
    }

    /** Settings of a tls node with PKCS#12 files. */
    private static List<String> pkcs12(TestPki.NodeCertificate certificate, Path trustStore) {
        return List.of("kindling.transport=tls", TLS + "key-store=" + certificate.keyStore(),
                TLS + "key-store-password=" + TestPki.PASSWORD, TLS + "trust-store=" + trustStore,
                TLS + "trust-store-password=" + TestPki.PASSWORD);
    }

    private KindlingNode node(String name, List<String> settings) {
        KindlingNode.Builder builder = KindlingNode.builder().name(name + "@127.0.0.1").cookie(COOKIE)
                .set("kindling.connect.timeout", "5s");
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            builder.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return closer.add(builder.start());
    }

    /** A node in a child JVM; returns the process and its address. */
    private record Child(ChildProcess process, NodeAddress address) {
    }

    private Child child(String name, List<String> settings) throws Exception {
        ChildProcess process = closer.add(ChildProcess.java(name, ClusterNodeMain.class,
                ClusterNodeMain.arguments(name, COOKIE, settings.toArray(new String[0]))));
        String ready = process.awaitLine(Duration.ofSeconds(30), line -> line.startsWith("READY "));
        return new Child(process, new NodeAddress(NodeName.of(name, "127.0.0.1"), "127.0.0.1",
                Integer.parseInt(ready.substring(6).trim())));
    }

    /** A task that, run on a node, calls back the node named {@code caller}. */
    private static RemoteCallable<String> callBack(String caller) {
        return () -> KindlingNode.current().orElseThrow().call(NodeName.parse(caller),
                () -> "answered by " + KindlingNode.current().orElseThrow().name(), Duration.ofSeconds(10));
    }

    @Test
    void twoJvmsCallEachOtherOverTls() throws Exception {
        Child bobs = child("bob", pkcs12(bob, trustCa));
        KindlingNode alices = node("alice", pem(alice, trustBoth));
        NodeName peer = alices.connect(bobs.address());
        assertEquals("answered by alice@127.0.0.1", alices.call(peer, callBack("alice@127.0.0.1"), CALL));
        assertEquals(List.of(peer), List.copyOf(alices.connectedNodes()));
    }

    @Test
    void anUntrustedCertificateIsRefusedWithAClearErrorOnBothSides() throws Exception {
        Child bobs = child("bob", pem(bob, ca.certificate()));
        KindlingNode intruder = node("intruder", pem(foreign, trustBoth));
        KindlingException error = assertThrows(KindlingException.class, () -> intruder.connect(bobs.address()));
        assertTrue(error.getMessage().contains("refused this node's certificate"), error.getMessage());
        String logged = bobs.process().awaitLine(Duration.ofSeconds(10), line -> line.contains("TLS with"));
        assertTrue(logged.contains("signed by a CA this node trusts"), logged);
    }

    @Test
    void anExpiredCertificateIsRefusedWithAClearErrorOnBothSides() throws Exception {
        Child bobs = child("bob", pem(bob, ca.certificate()));
        KindlingNode late = node("late", pem(expired, ca.certificate()));
        KindlingException error = assertThrows(KindlingException.class, () -> late.connect(bobs.address()));
        assertTrue(error.getMessage().contains("refused this node's certificate"), error.getMessage());
        String logged = bobs.process().awaitLine(Duration.ofSeconds(10), line -> line.contains("TLS with"));
        assertTrue(logged.contains("expired"), logged);
    }

    @Test
    void aCertificateThatDoesNotNameTheNodeIsRefusedOnBothSides() throws Exception {
        Child bobs = child("bob", pem(bob, ca.certificate()));
        KindlingNode misnamed = node("misnamed", pem(elsewhere, ca.certificate()));
        KindlingException error = assertThrows(KindlingException.class, () -> misnamed.connect(bobs.address()));
        assertTrue(error.getMessage().contains("does not cover node name misnamed@127.0.0.1"), error.getMessage());
        String logged = bobs.process().awaitLine(Duration.ofSeconds(10),
                line -> line.contains("does not cover node name"));
        assertTrue(logged.contains("DNS:elsewhere.example"), logged);
        // with the check off, the same certificate is accepted
        Child lenient = child("lenient", List.of("kindling.transport=tls", TLS + "certificate=" + bob.certificatePem(),
                TLS + "private-key=" + bob.privateKeyPem(), TLS + "trust-certificates=" + ca.certificate(),
                TLS + "verify-node-name=false"));
        KindlingNode misnamedLenient = node("misnamed2", List.of("kindling.transport=tls",
                TLS + "certificate=" + elsewhere.certificatePem(), TLS + "private-key=" + elsewhere.privateKeyPem(),
                TLS + "trust-certificates=" + ca.certificate(), TLS + "verify-node-name=false"));
        assertEquals(lenient.address().name(), misnamedLenient.connect(lenient.address()));
    }

    @Test
    void aRelayThatTerminatesTlsGetsNothingUsableEvenWithTheCookie() throws Exception {
        KindlingNode bobs = node("bob", pem(bob, ca.certificate()));
        KindlingNode alices = node("alice", pem(alice, ca.certificate()));
        // the worst relay: its own certificate from the cluster's CA, and the cookie; it forwards the plaintext
        try (Relay middle = closer.add(Relay.terminating(context(relay), bobs.address().port()))) {
            NodeAddress viaRelay = new NodeAddress(bobs.name(), "127.0.0.1", middle.port());
            AuthenticationException error = assertThrows(AuthenticationException.class,
                    () -> alices.connect(viaRelay));
            assertTrue(error.getMessage().contains("cookie"), error.getMessage());
            assertTrue(middle.seen().contains("KNDL"), "the relay did see the plaintext handshake");
            assertTrue(bobs.connectedNodes().isEmpty(), "bob took no connection from the relay");
            assertTrue(alices.connectedNodes().isEmpty());
        }
    }

    @Test
    void aRelayThatForwardsBytesSeesOnlyCiphertext() throws Exception {
        KindlingNode bobs = node("bob", pem(bob, ca.certificate()));
        KindlingNode alices = node("alice", pem(alice, ca.certificate()));
        try (Relay middle = closer.add(Relay.plain(bobs.address().port()))) {
            NodeName peer = alices.connect(new NodeAddress(bobs.name(), "127.0.0.1", middle.port()));
            String secret = "a result nobody on the path may read";
            assertEquals(secret, alices.call(peer, () -> secret, CALL));
            String seen = middle.seen();
            assertTrue(seen.length() > 1000, "bytes went through the relay");
            assertFalse(seen.contains("KNDL") || seen.contains("alice@127.0.0.1") || seen.contains(secret),
                    "the relay saw plaintext");
        }
    }

    @Test
    void aRotatedCertificateIsUsedWithoutRestart() throws Exception {
        // bob trusts only the other CA; alice starts with a certificate of the first CA, then gets one of the other
        KindlingNode bobs = node("bob", pem(foreign, otherCa.certificate()));
        Path certificate = dir.resolve("rotating-chain.pem");
        Path key = dir.resolve("rotating-key.pem");
        Files.copy(alice.certificatePem(), certificate);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(key, Files.readAllBytes(alice.privateKeyPem()));
        KindlingNode alices = node("alice", List.of("kindling.transport=tls", TLS + "certificate=" + certificate,
                TLS + "private-key=" + key, TLS + "trust-certificates=" + trustBoth, TLS + "reload-interval=100ms"));
        assertThrows(KindlingException.class, () -> alices.connect(bobs.address()));
        TestPki.replace(key, foreign2.privateKeyPem());
        TestPki.replace(certificate, foreign2.certificatePem());
        Await.until("alice to connect with her new certificate", Duration.ofSeconds(10), () -> {
            try {
                alices.connect(bobs.address());
                return true;
            } catch (KindlingException e) {
                return false;
            }
        });
        assertEquals("answered by alice@127.0.0.1", alices.call(bobs.name(), callBack("alice@127.0.0.1"), CALL));
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("shared-key.pem");
        Files.write(key, Files.readAllBytes(alice.privateKeyPem()));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException error = assertThrows(ConfigException.class, () -> TlsTransportProvider.transport(
                TlsOptions.pem(alice.certificatePem(), key, ca.certificate())));
        assertTrue(error.getMessage().contains("chmod 600 " + key), error.getMessage());
    }

    @Test
    void missingSettingsSayWhatToSet() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new TlsOptions(null, null, null, null, null, null, dir, true, Duration.ofSeconds(1)));
        assertTrue(error.getMessage().contains("kindling.transport.tls.key-store"), error.getMessage());
    }

    private static SSLContext context(TestPki.NodeCertificate certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate.keyStore())) {
            keys.load(in, TestPki.PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestPki.PASSWORD.toCharArray());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustCa)) {
            trusted.load(in, TestPki.PASSWORD.toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /**
     * A process on the path between two nodes, for one connection: either it forwards bytes as they are, or it
     * terminates TLS on both legs with its own certificate and forwards the plaintext. It records what it saw.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final List<Socket> sockets = new ArrayList<>();
        private final Thread thread;

        private Relay(ServerSocket server, int target, SSLContext tls) {
            this.server = server;
            this.thread = Thread.ofVirtual().start(() -> {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    if (tls != null) {
                        SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket(out, "127.0.0.1", target,
                                true);
                        client.setUseClientMode(true);
                        out = client;
                    }
                    synchronized (sockets) {
                        sockets.add(in);
                        sockets.add(out);
                    }
                    Socket from = in;
                    Socket to = out;
                    Thread.ofVirtual().start(() -> pump(to, from));
                    pump(from, to);
                } catch (IOException e) {
                    // closed
                }
            });
        }

        static Relay plain(int target) throws IOException {
            return new Relay(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), target, null);
        }

        static Relay terminating(SSLContext tls, int target) throws IOException {
            SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1,
                    InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(true);
            return new Relay(server, target, tls);
        }

        int port() {
            return server.getLocalPort();
        }

        String seen() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.ISO_8859_1);
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (seen) {
                        seen.write(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (sockets) {
                sockets.forEach(Relay::closeQuietly);
            }
            thread.join(Duration.ofSeconds(10));
        }
    }
}
