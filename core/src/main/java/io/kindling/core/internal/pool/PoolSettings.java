package io.kindling.core.internal.pool;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.RemoteCallable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pool's options, resolved and checked: each the value set on the builder, else the node's configuration under
 * {@code kindling.pool.<name>.*}, else the default.
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param name the pool's name
 * @param min runners kept up (default 0)
 * @param max the most runners (required)
 * @param maxConcurrency calls per runner (default 100)
 * @param bootTimeout from asking the backend to the runner's connection (default 30 s)
 * @param callTimeout per call, waiting and running (default 30 s)
 * @param idleShutdownAfter idle time before a runner beyond {@code min} stops (default 30 s)
 * @param minIdleShutdownAfter idle time before a runner kept for {@code min} stops too (default: never)
 * @param idleCheck asked on a runner before it stops for idleness; it stops only on {@code true} (default: none)
 * @param singleUse whether a runner runs one call and stops (default false)
 * @param shutdownTimeout how long shutdown waits for running calls (default 30 s)
 * @param env environment variables for runner processes
 * @param extensions node extensions every runner starts
 * @param scalingInterval how often the scaling policy is asked (default 1 s)
 */
public record PoolSettings(String name, int min, int max, int maxConcurrency, Duration bootTimeout,
        Duration callTimeout, Duration idleShutdownAfter, Optional<Duration> minIdleShutdownAfter,
        Optional<RemoteCallable<Boolean>> idleCheck, boolean singleUse, Duration shutdownTimeout,
        Map<String, String> env, List<String> extensions, Duration scalingInterval) {

    /** Values set in code; {@code null} for unset. */
    public record Set(Integer min, Integer max, Integer maxConcurrency, Duration bootTimeout, Duration callTimeout,
            Duration idleShutdownAfter, Duration minIdleShutdownAfter, RemoteCallable<Boolean> idleCheck,
            Boolean singleUse, Duration shutdownTimeout, List<String> extensions, Duration scalingInterval) {
    }

    /**
     * Resolves the options.
     *
     * @param name the pool's name
     * @param set the values set in code
     * @param env the environment for runners
     * @param config the node's whole configuration
     * @return the options
     * @throws ConfigException if {@code max} is unset, {@code 0 <= min <= max} or {@code max >= 1} does not hold,
     *     {@code maxConcurrency < 1}, or a duration is not positive
     */
    public static PoolSettings resolve(String name, Set set, Map<String, String> env, Config config) {
        Config scoped = config.scoped("kindling.pool." + name);
        int min = set.min() != null ? set.min() : scoped.getInt("min", 0);
        Integer max = set.max() != null ? set.max()
                : scoped.get("max").filter(v -> !v.isBlank()).map(v -> scoped.getInt("max", 0)).orElse(null);
        if (max == null) {
            throw new ConfigException(scoped.fullKey("max"), "Pool " + name + " needs a maximum number of runners: "
                    + "call max(n) on the builder or set " + scoped.fullKey("max"));
        }
        int maxConcurrency = set.maxConcurrency() != null ? set.maxConcurrency()
                : scoped.getInt("max-concurrency", 100);
        if (min < 0 || max < 1 || min > max) {
            throw new ConfigException(scoped.fullKey("max"), "Pool " + name + ": need 0 <= min <= max and max >= 1, "
                    + "not min = " + min + ", max = " + max);
        }
        if (maxConcurrency < 1) {
            throw new ConfigException(scoped.fullKey("max-concurrency"), "Pool " + name + ": maxConcurrency must be "
                    + "at least 1, not " + maxConcurrency);
        }
        Duration thirtySeconds = Duration.ofSeconds(30);
        Optional<Duration> minIdle = set.minIdleShutdownAfter() != null
                ? Optional.of(Durations.requirePositive(set.minIdleShutdownAfter(), "minIdleShutdownAfter"))
                : scoped.get("min-idle-shutdown-after").filter(v -> !v.isBlank())
                        .map(v -> Durations.positiveSetting(scoped, "min-idle-shutdown-after", null, thirtySeconds));
        return new PoolSettings(name, min, max, maxConcurrency,
                Durations.positiveSetting(scoped, "boot-timeout", set.bootTimeout(), thirtySeconds),
                Durations.positiveSetting(scoped, "call-timeout", set.callTimeout(), thirtySeconds),
                Durations.positiveSetting(scoped, "idle-shutdown-after", set.idleShutdownAfter(), thirtySeconds),
                minIdle, Optional.ofNullable(set.idleCheck()),
                set.singleUse() != null ? set.singleUse() : scoped.getBoolean("single-use", false),
                Durations.positiveSetting(scoped, "shutdown-timeout", set.shutdownTimeout(), thirtySeconds),
                Map.copyOf(env), set.extensions() != null ? List.copyOf(set.extensions())
                        : scoped.getList("extensions"),
                Durations.positiveSetting(scoped, "scaling-interval", set.scalingInterval(), Duration.ofSeconds(1)));
    }

    /**
     * Checks a new minimum and maximum, as for a pool's start.
     *
     * @param name the pool's name
     * @param min the new minimum
     * @param max the new maximum
     * @throws IllegalArgumentException unless {@code 0 <= min <= max} and {@code max >= 1}
     */
    public static void checkBounds(String name, int min, int max) {
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException("Pool " + name + ": need 0 <= min <= max and max >= 1, not min = "
                    + min + ", max = " + max);
        }
    }

    /** {@return how many calls one runner takes: 1 when single use} */
    public int callsPerRunner() {
        return singleUse ? 1 : maxConcurrency;
    }
}
