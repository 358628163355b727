package io.kindling.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A typed, read-only view of {@code kindling.*} settings.
 *
 * <p>Keys are compared in a <dfn>normal form</dfn>: lower case, with {@code -} and {@code _} read as {@code .}.
 * So {@code kindling.heartbeat.tick-interval}, {@code kindling.heartbeat.tick_interval} and the environment
 * variable {@code KINDLING_HEARTBEAT_TICK_INTERVAL} are one key. Core's {@code KindlingConfig} layers defaults,
 * files, the environment, system properties and code; a plugin receives a view {@linkplain #scoped scoped} to its
 * own prefix.
 *
 * <p>The typed getters take a default and throw {@link ConfigException} naming the full key and the bad value
 * when a value is present but malformed. Formats: durations as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 1d} or ISO-8601 ({@code PT5S}), with {@code 0} for zero; sizes as a byte count with an optional binary
 * suffix {@code k}, {@code m}, {@code g} ({@code KiB}, {@code MB}… are read the same: 1024-based); booleans as
 * {@code true/false/yes/no/on/off}; lists comma-separated, blanks dropped.
 */
public interface Config {

    /**
     * The raw value of a key.
     *
     * @param key the key, in any spelling of its normal form
     * @return the value, or empty when unset
     */
    Optional<String> get(String key);

    /** {@return every key that has a value, in normal form} */
    Set<String> keys();

    /**
     * The full name of a key, as error messages show it. A scoped view prepends its prefix.
     *
     * @param key a key of this view
     * @return the key as the user would write it
     */
    default String fullKey(String key) {
        return key;
    }

    /**
     * A value that must be present.
     *
     * @param key the key
     * @return its value
     * @throws ConfigException if it is unset or blank
     */
    default String require(String key) {
        return get(key).filter(v -> !v.isBlank()).orElseThrow(() -> new ConfigException(fullKey(key),
                "Setting " + fullKey(key) + " is required but not set (environment variable "
                        + environmentName(fullKey(key)) + ", or -D" + fullKey(key) + "=...)"));
    }

    /**
     * A string value.
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value, trimmed
     */
    default String getString(String key, String defaultValue) {
        return get(key).map(String::trim).orElse(defaultValue);
    }

    /**
     * A whole-number value.
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value as an int
     * @throws ConfigException if the value is not a whole number in int range
     */
    default int getInt(String key, int defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(fullKey(key), "Setting " + fullKey(key) + " = '" + value.get()
                    + "' is not a whole number");
        }
    }

    /**
     * A long value.
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value as a long
     * @throws ConfigException if the value is not a whole number in long range
     */
    default long getLong(String key, long defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(fullKey(key), "Setting " + fullKey(key) + " = '" + value.get()
                    + "' is not a whole number");
        }
    }

    /**
     * A boolean value: {@code true}, {@code false}, {@code yes}, {@code no}, {@code on}, {@code off}.
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value as a boolean
     * @throws ConfigException if the value is not one of true/false/yes/no/on/off
     */
    default boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(fullKey(key), "Setting " + fullKey(key) + " = '" + value.get()
                    + "' is not a boolean: use true or false");
        };
    }

    /**
     * A duration: a number with a unit ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, also {@code ns}, {@code us}) or ISO-8601 ({@code PT5S}).
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value as a duration, never negative
     * @throws ConfigException if the value is not a duration in one of the formats above, or is negative
     */
    default Duration getDuration(String key, Duration defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String text = value.get().trim().toLowerCase(Locale.ROOT);
        Duration result = null;
        try {
            if (text.equals("0")) {
                result = Duration.ZERO;
            } else if (text.startsWith("pt") || text.startsWith("p")) {
                result = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else {
                int split = 0;
                while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.')) {
                    split++;
                }
                String number = text.substring(0, split);
                String unit = text.substring(split).trim();
                if (!number.isEmpty()) {
                    double amount = Double.parseDouble(number);
                    long nanosPerUnit = switch (unit) {
                        case "ns" -> 1L;
                        case "us" -> 1_000L;
                        case "ms" -> 1_000_000L;
                        case "s" -> 1_000_000_000L;
                        case "m", "min" -> 60_000_000_000L;
                        case "h" -> 3_600_000_000_000L;
                        case "d" -> 86_400_000_000_000L;
                        default -> -1L;
                    };
                    if (nanosPerUnit > 0) {
                        result = Duration.ofNanos(Math.round(amount * nanosPerUnit));
                    }
                }
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            result = null;
        }
        if (result == null || result.isNegative()) {
            throw new ConfigException(fullKey(key), "Setting " + fullKey(key) + " = '" + value.get()
                    + "' is not a duration: use a number with a unit (500ms, 5s, 2m, 1h) or ISO-8601 (PT5S)");
        }
        return result;
    }

    /**
     * A size in bytes: a number with an optional unit ({@code 64MiB}, {@code 512k}).
     *
     * @param key the key
     * @param defaultValue returned when unset
     * @return the value as a number of bytes
     * @throws ConfigException if the value is not a size such as {@code 65536}, {@code 64k} or {@code 64MiB}
     */
    default long getBytes(String key, long defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String text = value.get().trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split))) {
            split++;
        }
        long multiplier = switch (text.substring(split).trim()) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> -1L;
        };
        try {
            if (split > 0 && multiplier > 0) {
                return Math.multiplyExact(Long.parseLong(text.substring(0, split)), multiplier);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the error below
        }
        throw new ConfigException(fullKey(key), "Setting " + fullKey(key) + " = '" + value.get()
                + "' is not a size: use a byte count with an optional suffix, e.g. 65536, 64k, 64MiB, 1g");
    }

    /**
     * A comma-separated list.
     *
     * @param key the key
     * @return the comma-separated values, trimmed, blanks dropped; empty when unset
     */
    default List<String> getList(String key) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.get().split(",")) {
            String stripped = item.strip(); // strip and isBlank agree on what is white space; trim does not
            if (!stripped.isEmpty()) {
                items.add(stripped);
            }
        }
        return List.copyOf(items);
    }

    /**
     * A view of the keys under a prefix, with the prefix removed: {@code scoped("kindling.codec.java")} reads
     * {@code kindling.codec.java.max-depth} as {@code max-depth}. Error messages still name the full key.
     *
     * @param prefix the prefix, without the trailing dot
     * @return the view
     */
    default Config scoped(String prefix) {
        String normalPrefix = normalizeKey(prefix) + ".";
        Config parent = this;
        return new Config() {
            @Override
            public Optional<String> get(String key) {
                return parent.get(normalPrefix + normalizeKey(key));
            }

            @Override
            public Set<String> keys() {
                return parent.keys().stream().filter(k -> k.startsWith(normalPrefix))
                        .map(k -> k.substring(normalPrefix.length()))
                        .collect(Collectors.toUnmodifiableSet());
            }

            @Override
            public String fullKey(String key) {
                return parent.fullKey(prefix + "." + key);
            }

            @Override
            public Config root() {
                return parent.root();
            }
        };
    }

    /**
     * The whole configuration this view was {@linkplain #scoped scoped} from, for a plugin that also reads a
     * shared setting outside its own prefix.
     *
     * @return the unscoped configuration; this one when it is not a scoped view
     */
    default Config root() {
        return this;
    }

    /**
     * The normal form of a key: lower case, {@code -} and {@code _} read as {@code .}.
     *
     * @param key a key
     * @return its normal form
     */
    static String normalizeKey(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }

    /**
     * The environment variable that sets a key: {@code kindling.node.name} is {@code KINDLING_NODE_NAME}.
     *
     * @param key a key
     * @return the variable's name
     */
    static String environmentName(String key) {
        return normalizeKey(key).replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** {@return a configuration with no keys} */
    static Config empty() {
        return of(Map.of());
    }

    /**
     * A configuration of fixed values.
     *
     * @param values keys (any spelling) to values
     * @return the configuration; later spellings of the same normal key win in the map's iteration order
     */
    static Config of(Map<String, String> values) {
        TreeMap<String, String> normal = new TreeMap<>();
        values.forEach((k, v) -> normal.put(normalizeKey(k), Objects.requireNonNull(v, k)));
        Map<String, String> frozen = java.util.Collections.unmodifiableMap(normal);
        return new Config() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(frozen.get(normalizeKey(key)));
            }

            @Override
            public Set<String> keys() {
                return frozen.keySet();
            }

            @Override
            public String toString() {
                return "Config" + frozen.keySet();
            }
        };
    }
}
