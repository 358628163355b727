package io.kindling.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A test class with a real cluster: two peer JVMs, run on the module path like this test. */
@KindlingCluster(nodes = 2, env = "GREETING=hello")
class KindlingClusterTest {

    @Test
    void thePeersAreSeparateJvmsOnTheModulePath(TestCluster cluster) {
        Set<Long> pids = new HashSet<>();
        for (NodeName peer : cluster.peers()) {
            pids.add(cluster.call(peer, () -> ProcessHandle.current().pid()));
            assertTrue(cluster.call(peer, () -> KindlingNode.class.getModule().isNamed()),
                    "the peer runs core as a named module, as this test does");
        }
        assertEquals(2, pids.size());
        assertTrue(KindlingNode.class.getModule().isNamed());
        assertTrue(!pids.contains(ProcessHandle.current().pid()));
    }

    @Test
    void thePeersFormAMeshAndGetTheListedEnvironment(TestCluster cluster) {
        NodeName first = cluster.peer(0);
        NodeName second = cluster.peer(1);
        assertNotEquals(first, second);
        Set<NodeName> seenByFirst = cluster.call(first, () -> KindlingNode.current().orElseThrow().connectedNodes());
        assertTrue(seenByFirst.contains(second) && seenByFirst.contains(cluster.node().name()), seenByFirst.toString());
        assertEquals("hello", cluster.call(second, () -> System.getenv("GREETING")));
        assertEquals(null, cluster.call(second, () -> System.getenv("PATH")));
    }
}
