package io.kindling.api.spi;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a backend needs to start one runner.
 *
 * @param runnerName the name the runner node must take
 * @param parent the parent node's address, which the runner connects back to
 * @param cookie the cluster cookie; never logged ({@link #toString()} leaves it out)
 * @param poolName the pool the runner serves
 * @param env environment variables for the runner, exactly these (a runner does not inherit the parent's)
 * @param bootTimeout how long from start to "ready" before the boot counts as failed
 * @param extensions names of the node extensions the runner starts
 * @param idleTimeout the runner stops itself after running no task for this long, a failsafe for a parent that no
 *     longer manages it; {@link Duration#ZERO} for never (the pool's {@code min} runners)
 * @param settings the parent's configuration the runner takes on, {@code kindling.*} key to value (see
 *     {@code Pool}: the parent's effective configuration minus what is the parent's own: its name, address, cookie,
 *     extensions, management endpoints and pools); the runner's own name, cookie and parent come from this spec
 */
public record RunnerSpec(NodeName runnerName, NodeAddress parent, String cookie, String poolName,
        Map<String, String> env, Duration bootTimeout, List<String> extensions, Duration idleTimeout,
        Map<String, String> settings) {

    /** Checks the parts and copies the collections. */
    public RunnerSpec {
        Objects.requireNonNull(runnerName, "runnerName");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(poolName, "poolName");
        env = Map.copyOf(env);
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative");
        }
        settings = Map.copyOf(settings);
    }

    /**
     * A spec that carries none of the parent's configuration.
     *
     * @param runnerName the name the runner node must take
     * @param parent the parent node's address
     * @param cookie the cluster cookie
     * @param poolName the pool the runner serves
     * @param env environment variables for the runner
     * @param bootTimeout how long the boot may take
     * @param extensions node extensions the runner starts
     * @param idleTimeout the runner's failsafe idle stop; zero for never
     */
    public RunnerSpec(NodeName runnerName, NodeAddress parent, String cookie, String poolName,
            Map<String, String> env, Duration bootTimeout, List<String> extensions, Duration idleTimeout) {
        this(runnerName, parent, cookie, poolName, env, bootTimeout, extensions, idleTimeout, Map.of());
    }

    @Override
    public String toString() {
        return "RunnerSpec[runnerName=" + runnerName + ", parent=" + parent + ", poolName=" + poolName
                + ", settings=" + settings.keySet()
                + ", env=" + env.keySet() + ", bootTimeout=" + bootTimeout + ", extensions=" + extensions + ", idleTimeout=" + idleTimeout + "]";
    }
}
