package io.kindling.strategy.jgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.KindlingException;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.PrunePolicy;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.testsupport.Closer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JGroups stack from the user's XML, in this JVM (which runs on the module path, JGroups as an automatic
 * module); and the channel's lifetime following the cluster's.
 */
class JGroupsXmlConfigTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T open(T closeable) {
        return closer.add(closeable);
    }

    @Test
    void aStackFromXmlFormsTheClusterAndAClosedClusterLeavesTheGroup() throws Exception {
        Path xml = LoopbackStack.write(dir);
        JGroupsOptions options = JGroupsOptions.defaults().withCluster("xml-" + ProcessHandle.current().pid())
                .withConfig(xml.toString());
        KindlingNode a = open(KindlingNode.builder().name("xa@127.0.0.1").cookie("jg").start());
        KindlingNode b = open(KindlingNode.builder().name("xb@127.0.0.1").cookie("jg").start());
        List<RefreshResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        Cluster first = open(Cluster.builder(a).pollInterval(Duration.ofMinutes(5)).prune(PrunePolicy.immediately())
                .listener(event -> {
                    if (event instanceof io.kindling.core.cluster.ClusterEvent.Refreshed refreshed) {
                        results.add(refreshed.result());
                    }
                })
                .strategy(JGroupsStrategyProvider.strategy(options)).start());
        Cluster second = Cluster.builder(b).pollInterval(Duration.ofMinutes(5))
                .strategy(JGroupsStrategyProvider.strategy(options)).start();
        assertEquals(Set.of(b.name()), first.awaitPeers(1, Duration.ofSeconds(30)));
        assertTrue(io.kindling.api.Node.class.getModule().isNamed(), "this test runs on the module path");

        // Shutting b's cluster down closes its channel; a's view change refreshes a at once (its poll is 5 min),
        // b is no longer discovered, and the prune policy disconnects it although b's node still runs.
        second.shutdown();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (results.stream().noneMatch(r -> r instanceof RefreshResult.Success s && s.pruned().contains(b.name()))) {
            assertTrue(System.nanoTime() < deadline, "no refresh pruned b: " + results);
            Thread.sleep(10);
        }
        assertTrue(!a.connectedNodes().contains(b.name()));
    }

    @Test
    void aMissingXmlStackIsAClearStartError() {
        KindlingNode a = open(KindlingNode.builder().name("xc@127.0.0.1").cookie("jg").start());
        KindlingException failed = assertThrows(KindlingException.class, () -> Cluster.builder(a)
                .strategy(JGroupsStrategyProvider.strategy(JGroupsOptions.defaults().withConfig("no-such-stack.xml")))
                .start());
        assertTrue(failed.getMessage().contains("no-such-stack.xml"), failed.getMessage());
    }
}
