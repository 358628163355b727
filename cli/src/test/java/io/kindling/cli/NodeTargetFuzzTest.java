package io.kindling.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.strategy.epmd.PortMapper;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the command line's node targets ({@code name@host:port}, or {@code name@host} looked up on the host's port
 * mapper): a target resolves, or is refused with a {@link KindlingCli.UsageException} (exit 2) or, when the port
 * mapper does not know it, a {@link KindlingException} (exit 1). A lookup goes to a port mapper on loopback only:
 * targets naming another host are parsed, never looked up, so that fuzzing sends nothing off this machine.
 */
class NodeTargetFuzzTest {

    private static PortMapper mapper;

    @BeforeAll
    static void start() {
        mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        mapper.close();
    }

    @FuzzTest(maxDuration = "10m")
    void targets(byte[] input) {
        String target = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        boolean withPort = NodeTarget.hasPort(target);
        if (!withPort) {
            NodeName name;
            try {
                name = NodeName.parse(target);
            } catch (IllegalArgumentException malformed) {
                name = null;
            }
            if (name != null && !name.host().equals("127.0.0.1")) {
                return; // resolving it would ask the port mapper of another host
            }
        }
        try {
            NodeAddress address = NodeTarget.resolve(target, mapper.port(), Duration.ofSeconds(2));
            assertTrue(address.port() > 0 && address.port() <= 65535, "port " + address.port());
        } catch (KindlingCli.UsageException | KindlingException refused) {
            // the documented refusals
        }
    }
}
