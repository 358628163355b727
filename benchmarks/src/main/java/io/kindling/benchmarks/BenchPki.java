package io.kindling.benchmarks;

import io.kindling.testsupport.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throwaway CA and one node certificate for the {@code tls} runs, made with {@code keytool}; deleted at exit. */
final class BenchPki {

    private BenchPki() {
    }

    /** {@return the settings of a tls node whose certificate (SAN 127.0.0.1) both benchmark nodes share} */
    static List<String> tlsSettings() throws Exception {
        Path dir = Files.createTempDirectory("kindling-bench-pki");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        TestPki pki = new TestPki(dir);
        TestPki.Authority ca = pki.authority("bench-ca");
        TestPki.NodeCertificate node = pki.node("bench-node", ca, "ip:127.0.0.1", null, 2);
        return List.of("kindling.transport=tls", "kindling.transport.tls.certificate=" + node.certificatePem(),
                "kindling.transport.tls.private-key=" + node.privateKeyPem(),
                "kindling.transport.tls.trust-certificates=" + ca.certificate());
    }

    private static void delete(Path dir) {
        try {
            io.kindling.testsupport.TempFiles.deleteTree(dir);
        } catch (java.io.IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }
}
