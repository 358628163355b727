package io.kindling.transport.tls;

import io.kindling.api.spi.Transport;
import io.kindling.tck.TransportContract;
import io.kindling.testsupport.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} transport against the transport contract: both ends hold certificates of one authority. */
class TlsTransportContractTest extends TransportContract {

    @TempDir
    static Path dir;
    private static TlsOptions options;

    @BeforeAll
    static void pki() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Authority ca = pki.authority("contract-ca");
        TestPki.NodeCertificate node = pki.node("contract", ca, "ip:127.0.0.1", null, 2);
        options = TlsOptions.pem(node.certificatePem(), node.privateKeyPem(), ca.certificate());
    }

    @Override
    protected Transport createTransport() {
        return TlsTransportProvider.transport(options);
    }
}
