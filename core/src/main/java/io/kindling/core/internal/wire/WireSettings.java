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
 */
public record WireSettings(Duration connectTimeout, Duration handshakeTimeout, Duration heartbeatInterval,
        Duration heartbeatTimeout, int maxTasksPerPeer) {

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
                config.getInt("kindling.tasks.max-per-peer", 10_000));
        if (settings.maxTasksPerPeer < 1) {
            throw new ConfigException("kindling.tasks.max-per-peer", "Setting "
                    + config.fullKey("kindling.tasks.max-per-peer") + " = " + settings.maxTasksPerPeer
                    + " must be at least 1");
        }
        if (settings.heartbeatTimeout.compareTo(settings.heartbeatInterval) <= 0) {
            throw new ConfigException("kindling.heartbeat.timeout", "Setting "
                    + config.fullKey("kindling.heartbeat.timeout") + " = " + settings.heartbeatTimeout.toMillis()
                    + "ms must be longer than kindling.heartbeat.interval = " + settings.heartbeatInterval.toMillis()
                    + "ms");
        }
        return settings;
    }
}
