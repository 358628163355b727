package io.kindling.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The configuration keys core documents in its defaults, for {@link KindlingConfig#isKnownKey}. */
final class CoreKeys {

    /** A key, set or commented out: {@code kindling.a.b=} or {@code # kindling.a.b=}. */
    private static final Pattern KEY = Pattern.compile("^#?\\s*(kindling\\.[a-z0-9.-]+[a-z0-9])\\s*=");

    /**
     * Every key in {@code kindling-defaults.properties}, whether set there or shown commented out: its
     * {@linkplain io.kindling.api.Config#normalizeKey normal form} to the key as documented.
     */
    static final Map<String, String> KEYS = read();

    /** Namespaces whose keys plugins or per-name settings define; core cannot tell a typo there. */
    static final List<String> PLUGIN_NAMESPACES = List.of("kindling.strategy.", "kindling.pool.",
            "kindling.backend.", "kindling.extension.", "kindling.runner.", "kindling.region",
            "kindling.primary.region", "kindling.epmd.", "kindling.transport.", "kindling.codec.",
            "kindling.scaling.policy.");

    /** Core's own codec's keys, inside the codec namespace, which are checked all the same. */
    static final String CORE_CODEC = "kindling.codec.java.";

    private CoreKeys() {
    }

    private static Map<String, String> read() {
        Map<String, String> keys = new TreeMap<>();
        try (InputStream in = CoreKeys.class.getResourceAsStream("kindling-defaults.properties")) {
            if (in == null) {
                throw new IllegalStateException("core's kindling-defaults.properties is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Matcher matcher = KEY.matcher(line);
                if (matcher.find() && !matcher.group(1).contains("<")) {
                    keys.put(io.kindling.api.Config.normalizeKey(matcher.group(1)), matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read core's kindling-defaults.properties", e);
        }
        return Map.copyOf(keys);
    }

    /** Levenshtein distance: single-character insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
