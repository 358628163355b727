package io.kindling.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private final Config config = Config.of(Map.of(
            "kindling.heartbeat.tick-interval", "250ms",
            "kindling.a.iso", "PT2S",
            "kindling.a.size", "64MiB",
            "kindling.a.flag", "yes",
            "kindling.a.list", "x, y,,z ",
            "kindling.a.bad", "soon"));

    @Test
    void keysMatchInNormalForm() {
        assertEquals(Duration.ofMillis(250), config.getDuration("KINDLING_HEARTBEAT_TICK_INTERVAL", null));
        assertEquals(Duration.ofMillis(250), config.getDuration("kindling.heartbeat.tick_interval", null));
        assertEquals("KINDLING_NODE_NAME", Config.environmentName("kindling.node.name"));
    }

    @Test
    void typedGettersParseTheirFormats() {
        assertEquals(Duration.ofSeconds(2), config.getDuration("kindling.a.iso", null));
        assertEquals(64L << 20, config.getBytes("kindling.a.size", 0));
        assertTrue(config.getBoolean("kindling.a.flag", false));
        assertEquals(List.of("x", "y", "z"), config.getList("kindling.a.list"));
        assertEquals(7, config.getInt("kindling.a.missing", 7));
    }

    @Test
    void errorsNameTheKeyAndTheValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> config.getDuration("kindling.a.bad", null));
        assertEquals("kindling.a.bad", e.key());
        assertTrue(e.getMessage().contains("'soon'") && e.getMessage().contains("kindling.a.bad"), e.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> config.getInt("kindling.a.bad", 0)).getMessage()
                .contains("not a whole number"));
        assertTrue(assertThrows(ConfigException.class, () -> config.getBytes("kindling.a.bad", 0)).getMessage()
                .contains("not a size"));
        assertTrue(assertThrows(ConfigException.class, () -> config.require("kindling.node.name")).getMessage()
                .contains("KINDLING_NODE_NAME"));
    }

    @Test
    void scopedViewsReadUnderTheirPrefixAndNameFullKeys() {
        Config scoped = config.scoped("kindling.a");
        assertEquals(64L << 20, scoped.getBytes("size", 0));
        assertTrue(scoped.keys().contains("size"));
        ConfigException e = assertThrows(ConfigException.class, () -> scoped.getDuration("bad", null));
        assertTrue(e.getMessage().contains("kindling.a.bad"), e.getMessage());
    }
}
