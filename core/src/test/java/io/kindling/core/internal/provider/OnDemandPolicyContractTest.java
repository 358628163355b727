package io.kindling.core.internal.provider;

import io.kindling.api.spi.ScalingPolicyProvider;
import io.kindling.tck.ScalingPolicyContract;

/** The {@code on-demand} policy against the kit; it has no settings, so that check is left out. */
class OnDemandPolicyContractTest extends ScalingPolicyContract {

    @Override
    protected ScalingPolicyProvider provider() {
        return new OnDemandPolicyProvider();
    }
}
