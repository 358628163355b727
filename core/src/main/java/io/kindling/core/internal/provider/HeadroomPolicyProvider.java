package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.api.spi.ScalingPolicyProvider;

/**
 * Provides the {@code headroom} scaling policy: keeps {@code spare} idle runners ahead of the load, so that a burst
 * finds them booted. Its answer is the busy runners, plus the runners the queued calls fill, plus {@code spare}
 * ({@code kindling.scaling-policy.headroom.spare}, default 1), at most {@code max}.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class HeadroomPolicyProvider implements ScalingPolicyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public HeadroomPolicyProvider() {
    }

    @Override
    public String name() {
        return "headroom";
    }

    @Override
    public ScalingPolicy create(Config config) {
        int spare = config.getInt("spare", 1);
        if (spare < 0) {
            throw new ConfigException(config.fullKey("spare"), "Setting " + config.fullKey("spare") + " = " + spare
                    + " must be 0 or more: how many idle runners the headroom policy keeps ahead of the load");
        }
        return state -> Math.min(state.max(), state.busy() + state.runnersForQueue() + spare);
    }
}
