package io.kindling.core.internal.wire;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import java.time.Duration;

/**
 * The timeouts of a node's connections, read from its configuration and checked.
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param connectTimeout {@code kindling.connect.timeout}, default 5 s: one dial
 * @param handshakeTimeout {@code kindling.handshake.timeout}, default 5 s: one handshake
 * @param heartbeatInterval {@code kindling.heartbeat.interval}, default 1 s: how often an idle connection ticks
 * @param heartbeatTimeout {@code kindling.heartbeat.timeout}, default 5 s: a peer silent this long is down
 * @param maxTasksPerPeer {@code kindling.tasks.max-per-peer}, default 10,000: tasks one peer may have running
 *     here; a call beyond it is refused with {@link io.kindling.api.TooManyTasksException}
 * @param maxHandshakes {@code kindling.handshake.max-concurrent}, default 128: incoming handshakes at once; a
 *     connection beyond it is closed at once
 * @param maxHandshakesPerSource {@code kindling.handshake.max-per-source}, default 8: incoming handshakes at once
 *     from one IP address
 * @param failureDelay {@code kindling.handshake.failure-delay}, default 1 s: how long a dialer that failed to
 *     prove the cookie waits for its refusal; with the per-source bound it caps the guesses one address can make
 *     (8 per second at the defaults)
 */
public record WireSettings(Duration connectTimeout, Duration handshakeTimeout, Duration heartbeatInterval,
        Duration heartbeatTimeout, int maxTasksPerPeer, int maxHandshakes, int maxHandshakesPerSource,
        Duration failureDelay) {

    /**
     * Reads the settings.
     *
     * @param config the node's configuration
     * @return the settings
     * @throws ConfigException if one is not positive, or the heartbeat timeout is not longer than its interval
     */
    public static WireSettings from(Config config) {
        WireSettings settings = new WireSettings(
                Durations.positiveSetting(config, "kindling.connect.timeout", null, Duration.ofSeconds(5)),
                Durations.positiveSetting(config, "kindling.handshake.timeout", null, Duration.ofSeconds(5)),
                Durations.positiveSetting(config, "kindling.heartbeat.interval", null, Duration.ofSeconds(1)),
                Durations.positiveSetting(config, "kindling.heartbeat.timeout", null, Duration.ofSeconds(5)),
                config.getInt("kindling.tasks.max-per-peer", 10_000),
                config.getInt("kindling.handshake.max-concurrent", 128),
                config.getInt("kindling.handshake.max-per-source", 8),
                config.getDuration("kindling.handshake.failure-delay", Duration.ofSeconds(1)));
        atLeastOne(config, "kindling.tasks.max-per-peer", settings.maxTasksPerPeer);
        atLeastOne(config, "kindling.handshake.max-concurrent", settings.maxHandshakes);
        atLeastOne(config, "kindling.handshake.max-per-source", settings.maxHandshakesPerSource);
        if (settings.failureDelay.isNegative()) {
            throw new ConfigException("kindling.handshake.failure-delay", "Setting "
                    + config.fullKey("kindling.handshake.failure-delay") + " must not be negative");
        }
        if (settings.heartbeatTimeout.compareTo(settings.heartbeatInterval) <= 0) {
            throw new ConfigException("kindling.heartbeat.timeout", "Setting "
                    + config.fullKey("kindling.heartbeat.timeout") + " = " + settings.heartbeatTimeout.toMillis()
                    + "ms must be longer than kindling.heartbeat.interval = " + settings.heartbeatInterval.toMillis()
                    + "ms");
        }
        return settings;
    }

    private static void atLeastOne(Config config, String key, int value) {
        if (value < 1) {
            throw new ConfigException(key, "Setting " + config.fullKey(key) + " = " + value + " must be at least 1");
        }
    }
}
