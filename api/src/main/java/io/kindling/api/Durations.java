package io.kindling.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The one rule for timeouts and intervals: a duration must be longer than zero; zero and negative durations are
 * refused alike. Arguments break it with {@link IllegalArgumentException}; settings with {@link ConfigException},
 * which names the key.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Checks an argument.
     *
     * @param value the duration
     * @param what what it is, for the message (e.g. {@code "timeout"})
     * @return the value
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
        return value;
    }

    /**
     * Resolves a setting: the value set in code if any, else the configuration's, else the default; then checks
     * it.
     *
     * @param config the configuration the key is read from
     * @param key the key, relative to the configuration
     * @param set the value set in code (a builder's), or {@code null}
     * @param defaultValue used when neither is set
     * @return the duration
     * @throws ConfigException if the value is not a duration, or is zero or negative; it names the key
     */
    public static Duration positiveSetting(Config config, String key, Duration set, Duration defaultValue) {
        Duration value = set != null ? set : config.getDuration(key, defaultValue);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(config.fullKey(key), "Setting " + config.fullKey(key) + " = "
                    + value.toMillis() + "ms must be positive");
        }
        return value;
    }
}
