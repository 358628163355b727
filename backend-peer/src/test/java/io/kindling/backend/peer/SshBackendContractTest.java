package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.spi.Backend;
import io.kindling.core.KindlingNode;
import io.kindling.tck.BackendContract;
import io.kindling.testsupport.HostSsh;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@code ssh} backend against the backend contract, through a real {@code sshd} on 127.0.0.1 (keys only, its
 * host key checked): every runner is started by the OpenSSH client. Needs root and OpenSSH, as CI has.
 */
class SshBackendContractTest extends BackendContract {

    private static HostSsh ssh;

    @BeforeAll
    static void startServer() {
        ssh = HostSsh.onLoopback();
    }

    @AfterAll
    static void stopServer() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Override
    protected Backend createBackend() {
        return new SshBackendProvider().create(Config.of(Map.of("hosts", "root@127.0.0.1:" + ssh.port(),
                "identity", ssh.identity().toString(), "known-hosts", ssh.knownHosts().toString())));
    }

    @Override
    protected Node startParent(String cookie) {
        return KindlingNode.builder().name("tck-parent@127.0.0.1").cookie(cookie).start();
    }
}
