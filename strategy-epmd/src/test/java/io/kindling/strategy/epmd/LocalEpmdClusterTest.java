package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes in separate JVMs form a cluster through {@code local-epmd}, with the port mapper started by the first
 * node (if-absent). Killing that node with SIGKILL takes the port mapper with it: the others report it down,
 * register again (one of them starting a new port mapper), and take it back when it restarts under its name.
 */
class LocalEpmdClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofSeconds(5);

    @RegisterExtension
    final Closer closer = new Closer();

    private ChildProcess start(String name, int epmdPort) throws Exception {
        ChildProcess child = closer.add(ChildProcess.java(name, ClusterNodeMain.class, ClusterNodeMain.arguments(
                name, "epmd-test", "kindling.cluster.strategy=local-epmd",
                "kindling.cluster.poll-interval=" + POLL.toMillis() + "ms",
                "kindling.strategy.epmd.port=" + epmdPort, "kindling.strategy.epmd.server-address=127.0.0.1")));
        child.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("READY "));
        return child;
    }

    @Test
    void threeJvmsFormAClusterLoseANodeAndTakeItBackUnderItsName() throws Exception {
        int port = ErlangTools.freePort();
        EpmdClient client = new EpmdClient("127.0.0.1", port, Duration.ofSeconds(5));
        ChildProcess a = start("ea", port); // starts the port mapper: none runs on this port
        ChildProcess b = start("eb", port);
        ChildProcess c = start("ec", port);
        for (ChildProcess node : List.of(a, b, c)) {
            for (String other : List.of("ea", "eb", "ec")) {
                if (!node.label().equals(other)) {
                    node.awaitLine(WAIT, line -> line.equals("UP " + other + "@127.0.0.1"));
                }
            }
        }

        int bMark = b.lineCount();
        int cMark = c.lineCount();
        a.kill();
        b.awaitLineAfter(bMark, WAIT, line -> line.startsWith("DOWN ea@127.0.0.1"));
        c.awaitLineAfter(cMark, WAIT, line -> line.startsWith("DOWN ea@127.0.0.1"));
        Await.until("b and c registered again with a new port mapper", WAIT, () -> {
            try {
                Map<String, Integer> names = client.names();
                return names.containsKey("eb") && names.containsKey("ec") && !names.containsKey("ea");
            } catch (EpmdException e) {
                return false;
            }
        });

        int bAgain = b.lineCount();
        int cAgain = c.lineCount();
        ChildProcess restarted = start("ea", port);
        long ready = System.nanoTime();
        b.awaitLineAfter(bAgain, WAIT, line -> line.equals("UP ea@127.0.0.1"));
        c.awaitLineAfter(cAgain, WAIT, line -> line.equals("UP ea@127.0.0.1"));
        long reconnectMillis = (System.nanoTime() - ready) / 1_000_000;
        restarted.awaitLine(WAIT, line -> line.equals("UP eb@127.0.0.1"));
        restarted.awaitLine(WAIT, line -> line.equals("UP ec@127.0.0.1"));
        // The restarted node's first refresh runs at its start, not one poll interval later.
        assertTrue(reconnectMillis < POLL.toMillis(), "reconnected " + reconnectMillis + " ms after restart; "
                + "should be within one poll interval (" + POLL.toMillis() + " ms)");
    }
}
