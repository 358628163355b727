package io.kindling.strategy.jgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kindling nodes in separate JVMs that find each other through JGroups (built-in TCP + TCPPING stack). */
class JGroupsClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final Closer closer = new Closer();

    /** A free port with the next few free too: JGroups' TCP takes one of a range. */
    private static int freeBase(int count) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket probe = new ServerSocket(0)) {
                base = probe.getLocalPort();
            }
            if (base + count > 65535) {
                continue;
            }
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                    free = socket.isBound();
                } catch (java.io.IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }

    private ChildProcess start(String name, String cluster, int base) throws Exception {
        ChildProcess node = closer.add(ChildProcess.java(name, ClusterNodeMain.class, ClusterNodeMain.arguments(
                name, "jgroups-test", "kindling.cluster.strategy=jgroups", "kindling.cluster.poll-interval=30s",
                "kindling.strategy.jgroups.cluster=" + cluster, "kindling.strategy.jgroups.bind-port=" + base,
                "kindling.strategy.jgroups.port-range=5")));
        node.awaitLine(WAIT, line -> line.startsWith("READY "));
        return node;
    }

    @Test
    void threeJvmsFormAClusterLoseAKilledOneAndTakeItBackButNotAnotherCluster() throws Exception {
        int base = freeBase(6);
        String cluster = "kindling-test-" + ProcessHandle.current().pid();
        ChildProcess a = start("ja", cluster, base);
        ChildProcess b = start("jb", cluster, base);
        ChildProcess c = start("jc", cluster, base);
        ChildProcess stranger = start("jx", cluster + "-other", base);
        for (ChildProcess node : List.of(a, b, c)) {
            for (String other : List.of("ja", "jb", "jc")) {
                if (!node.label().equals(other)) {
                    node.awaitLine(WAIT, line -> line.equals("UP " + other + "@127.0.0.1"));
                }
            }
        }
        // Poll interval 30 s: the mesh formed from view changes, not from polling.
        stranger.awaitLine(WAIT, line -> line.startsWith("REFRESHED ok, 0 nodes"));

        int bMark = b.lineCount();
        int cMark = c.lineCount();
        a.kill();
        b.awaitLineAfter(bMark, WAIT, line -> line.startsWith("DOWN ja@127.0.0.1"));
        c.awaitLineAfter(cMark, WAIT, line -> line.startsWith("DOWN ja@127.0.0.1"));

        int bAgain = b.lineCount();
        int cAgain = c.lineCount();
        ChildProcess restarted = start("ja", cluster, base);
        b.awaitLineAfter(bAgain, WAIT, line -> line.equals("UP ja@127.0.0.1"));
        c.awaitLineAfter(cAgain, WAIT, line -> line.equals("UP ja@127.0.0.1"));
        restarted.awaitLine(WAIT, line -> line.equals("UP jb@127.0.0.1"));
        restarted.awaitLine(WAIT, line -> line.equals("UP jc@127.0.0.1"));

        for (ChildProcess node : List.of(b, c, restarted)) {
            assertTrue(node.output().lines().noneMatch(line -> line.startsWith("UP jx@")),
                    "a node of another JGroups cluster was discovered:\n" + node.output());
        }
        assertTrue(stranger.output().lines().noneMatch(line -> line.startsWith("UP ")), stranger.output());
    }

    @Test
    void settingsAreReadWithClearErrors() {
        JGroupsOptions options = JGroupsOptions.fromConfig(Config.of(Map.of("cluster", "orders", "bind-address",
                "10.0.0.7", "bind-port", "7900", "initial-hosts", "10.0.0.7[7900], 10.0.0.8:7900")));
        assertEquals("orders", options.cluster());
        assertEquals(List.of("10.0.0.7:7900", "10.0.0.8:7900"), options.initialHosts().stream()
                .map(h -> h.getHostString() + ":" + h.getPort()).collect(Collectors.toList()));
        ConfigException bad = assertThrows(ConfigException.class, () -> JGroupsOptions.fromConfig(Config.of(
                Map.of("initial-hosts", "nowhere"))));
        assertTrue(bad.getMessage().contains("host:port or host[port]"), bad.getMessage());
        assertEquals(InetSocketAddress.createUnresolved("a", 1).getPort(), 1);
    }
}
