package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Which keys core knows, the hint for a typo, and a value's source in error messages. */
class KnownKeysTest {

    @Test
    void coreKeysSetOrCommentedOutInTheDefaultsAreKnown() {
        for (String key : new String[] {"kindling.heartbeat.timeout", "kindling.node.name", "kindling.cookie.file",
            "kindling.codec.java.max-depth", "kindling.node.address-file", "KINDLING_HEARTBEAT_TIMEOUT"}) {
            assertTrue(KindlingConfig.isKnownKey(key), key);
        }
    }

    @Test
    void typosAreUnknownAndTheClosestKeyIsTheMeantOne() {
        assertFalse(KindlingConfig.isKnownKey("kindling.heartbeat.timout"));
        assertEquals("kindling.heartbeat.timeout", KindlingConfig.closestKnownKey("kindling.heartbeat.timout"));
        assertFalse(KindlingConfig.isKnownKey("kindling.codec.java.max-deph"), "core's codec keys are checked");
        assertEquals("kindling.codec.java.max-depth", KindlingConfig.closestKnownKey("kindling.codec.java.max-deph"));
    }

    @Test
    void pluginNamespacesAreThePluginsToCheck() {
        assertTrue(KindlingConfig.isKnownKey("kindling.strategy.dns.query"));
        assertTrue(KindlingConfig.isKnownKey("kindling.pool.render.max"));
        assertTrue(KindlingConfig.isKnownKey("kindling.transport.tls.certificate"));
        assertTrue(KindlingConfig.isKnownKey("kindling.scaling-policy.nightly.windows"), "a scaling policy's own");
    }

    @Test
    void aBadValueNamesTheSourceItWasSetWith() {
        KindlingConfig config = KindlingConfig.builder().environment(Map.of()).systemProperties(new Properties())
                .set("kindling.heartbeat.timeout", "soon", "command-line option --set").build();
        ConfigException e = assertThrows(ConfigException.class,
                () -> config.getDuration("kindling.heartbeat.timeout", null));
        assertTrue(e.getMessage().contains("(from command-line option --set)"), e.getMessage());
    }
}
