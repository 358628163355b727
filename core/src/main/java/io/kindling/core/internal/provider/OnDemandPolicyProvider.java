package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.api.spi.ScalingPolicyProvider;

/**
 * Provides the {@code on-demand} scaling policy, every pool's default: nothing ahead of demand. Runners boot for
 * queued calls and to keep {@code min}, as FLAME's pools do. No settings.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class OnDemandPolicyProvider implements ScalingPolicyProvider {

    /** The policy's name. */
    public static final String NAME = "on-demand";

    /** Public for {@link java.util.ServiceLoader}. */
    public OnDemandPolicyProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScalingPolicy create(Config config) {
        return state -> 0;
    }
}
