package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.Pools;
import io.kindling.testsupport.Closer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pools by name, and pools defined in configuration alone. */
class PoolsTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void aPoolIsReachedByNameAndANameRunsOncePerNode() {
        KindlingNode node = closer.add(KindlingNode.builder().name("pools-a@127.0.0.1").cookie("pools-test").start());
        closer.add(Pool.builder(node).name("thumbs").max(1).start());
        assertEquals(6, (int) Pools.call("thumbs", () -> 6));
        assertEquals("thumbs", Pools.get(node, "thumbs").name());

        ConfigException twice = assertThrows(ConfigException.class,
                () -> Pool.builder(node).name("thumbs").max(1).start());
        assertTrue(twice.getMessage().contains("already runs a pool named 'thumbs'"), twice.getMessage());
        KindlingException none = assertThrows(KindlingException.class, () -> Pools.call("nothing", () -> 1));
        assertTrue(none.getMessage().contains("No pool named 'nothing'") && none.getMessage().contains("thumbs"),
                none.getMessage());

        Pools.get("thumbs").shutdown();
        assertThrows(KindlingException.class, () -> Pools.get("thumbs"), "a pool that shut down is not found");
        closer.add(Pool.builder(node).name("thumbs").max(1).start()); // the name is free again
    }

    @Test
    void poolsListedInConfigurationStartAndStopWithTheNode() {
        KindlingNode node = KindlingNode.builder().name("pools-b@127.0.0.1").cookie("pools-test")
                .set("kindling.pools", "render, crunch").set("kindling.pool.render.max", "2")
                .set("kindling.pool.crunch.max", "1").start();
        try {
            assertEquals(0, Pools.get(node, "render").metrics().runners(), "min 0: no runner before a call");
            assertEquals(4, (int) Pools.call("render", () -> 4));
            assertEquals(5, (int) Pools.get(node, "crunch").call(() -> 5));
        } finally {
            node.close();
        }
        assertThrows(KindlingException.class, () -> Pools.get(node, "render"), "closing the node stopped its pools");

        ConfigException bad = assertThrows(ConfigException.class, () -> KindlingNode.builder()
                .name("pools-c@127.0.0.1").cookie("pools-test").set("kindling.pools", "nomax").start());
        assertTrue(bad.getMessage().contains("kindling.pool.nomax.max"), bad.getMessage());
    }
}
