package io.kindling.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the text a node reads from people and from the network: node names ({@code name@host}), node addresses
 * ({@code name@host:port}, as discovery strategies and the command line give them) and configuration values
 * (durations, sizes, numbers, lists). Each either parses, and then prints back to what parses alike, or is refused
 * with the exception its Javadoc names: {@link IllegalArgumentException} for names and addresses,
 * {@link ConfigException} for settings. Anything else escaping is a finding. The inputs (seeds and past findings)
 * are under {@code src/test/resources/io/kindling/api/TextValuesFuzzTestInputs}.
 */
class TextValuesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void nodeNamesAndAddresses(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            NodeName name = NodeName.parse(text);
            assertEquals(name, NodeName.parse(name.toString()), "a parsed name prints to itself");
        } catch (IllegalArgumentException refused) {
            // the documented refusal
        }
        try {
            NodeAddress address = NodeAddress.parse(text);
            assertEquals(address, NodeAddress.parse(address.toString()), "a parsed address prints to itself");
        } catch (IllegalArgumentException refused) {
            // the documented refusal
        }
    }

    @FuzzTest(maxDuration = "10m")
    void configurationValues(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        Config config = Config.of(Map.of("kindling.fuzz", value));
        expectValueOrConfigException(() -> config.getDuration("kindling.fuzz", Duration.ZERO));
        expectValueOrConfigException(() -> config.getBytes("kindling.fuzz", 0));
        expectValueOrConfigException(() -> config.getInt("kindling.fuzz", 0));
        expectValueOrConfigException(() -> config.getLong("kindling.fuzz", 0));
        expectValueOrConfigException(() -> config.getBoolean("kindling.fuzz", false));
        List<String> list = config.getList("kindling.fuzz");
        list.forEach(item -> {
            if (item.isBlank() || !item.equals(item.strip())) {
                throw new AssertionError("a list item is blank or not trimmed: '" + item + "' from '" + value + "'");
            }
        });
    }

    private static void expectValueOrConfigException(Runnable read) {
        try {
            read.run();
        } catch (ConfigException refused) {
            // the documented refusal
        }
    }
}
