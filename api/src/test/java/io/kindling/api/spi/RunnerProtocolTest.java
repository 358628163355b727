package io.kindling.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A runner's spec comes back exactly as the backend wrote it, and bad input says what is wrong. */
class RunnerProtocolTest {

    private static RunnerProtocol.Start decode(String text) throws IOException {
        return RunnerProtocol.decode(new BufferedReader(new StringReader(text)));
    }

    @Test
    void everyValueComesBackExactly() throws IOException {
        Map<String, String> settings = Map.of(
                "kindling.a", " leading and trailing ",
                "kindling.b", "back\\slash \\n not a newline",
                "kindling.c", "two\nlines\rand a return",
                "kindling.d", "x=y # not a comment : nor a separator",
                "kindling.e", "ünïcødé ✓",
                "kindling.f", "");
        RunnerSpec spec = new RunnerSpec(NodeName.of("pool-runner-1", "127.0.0.1"),
                NodeAddress.parse("parent@127.0.0.1:4370"), "kindling-key:c2VjcmV0", "render", Map.of("X", "y"),
                Duration.ofSeconds(30), List.of("region", "metrics"), Duration.ofSeconds(65), settings);
        String text = RunnerProtocol.encode(spec, OptionalLong.of(4242));
        assertTrue(text.endsWith("\n\n"), "closing empty line");
        RunnerProtocol.Start start = decode(text + "anything after the spec is not read\n");
        RunnerSpec back = start.spec();
        assertEquals(spec.runnerName(), back.runnerName());
        assertEquals(spec.parent(), back.parent());
        assertEquals(spec.cookie(), back.cookie());
        assertEquals(spec.poolName(), back.poolName());
        assertEquals(Map.of(), back.env(), "the environment is the process's, not the spec's");
        assertEquals(spec.bootTimeout(), back.bootTimeout());
        assertEquals(spec.extensions(), back.extensions());
        assertEquals(spec.idleTimeout(), back.idleTimeout());
        assertEquals(settings, back.settings());
        assertEquals(OptionalLong.of(4242), start.parentPid());
    }

    @Test
    void badInputSaysWhatIsWrong() {
        String good = RunnerProtocol.encode(new RunnerSpec(NodeName.of("r", "127.0.0.1"),
                NodeAddress.parse("p@127.0.0.1:1"), "c", "pool", Map.of(), Duration.ofSeconds(1), List.of(),
                Duration.ZERO), OptionalLong.empty());
        IOException cut = assertThrows(IOException.class, () -> decode(good.substring(0, good.length() - 1)));
        assertTrue(cut.getMessage().contains("closing empty line"), cut.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> decode(good.replaceFirst("(?m)^name=.*\\n", "")));
        assertTrue(missing.getMessage().contains("'name' is missing"), missing.getMessage());
        IllegalArgumentException notKeyValue = assertThrows(IllegalArgumentException.class,
                () -> decode("garbage\n" + good));
        assertTrue(notKeyValue.getMessage().contains("not key=value: 'garbage'"), notKeyValue.getMessage());
        IllegalArgumentException escape = assertThrows(IllegalArgumentException.class,
                () -> decode("setting.kindling.x=a\\tb\n" + good));
        assertTrue(escape.getMessage().contains("unknown escape"), escape.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> decode(good.replaceFirst("(?m)^boot-timeout-ms=.*$", "boot-timeout-ms=soon")));
        assertTrue(number.getMessage().contains("'boot-timeout-ms' = 'soon' is not a whole number"),
                number.getMessage());
    }
}
