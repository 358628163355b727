package io.kindling.core.internal.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.api.Config;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.api.spi.ScalingPolicyProvider;
import io.kindling.tck.ScalingPolicyContract;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code headroom} policy against the kit, and its arithmetic. */
class HeadroomPolicyContractTest extends ScalingPolicyContract {

    @Override
    protected ScalingPolicyProvider provider() {
        return new HeadroomPolicyProvider();
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("spare", "2");
    }

    @Override
    protected Map<String, String> invalidSettings() {
        return Map.of("spare", "-1");
    }

    @Test
    void busyRunnersPlusWhatTheQueueFillsPlusSpareAtMostMax() {
        ScalingPolicy policy = provider().create(Config.of(Map.of("spare", "2")));
        // 3 busy, 250 queued at 100 per runner: 3 more runners' worth, plus 2 spare
        assertEquals(8, policy.target(new ScalingPolicy.State("p", 0, 10, 3, 0, 3, 250, 100, Instant.now())));
        assertEquals(10, policy.target(new ScalingPolicy.State("p", 0, 10, 3, 0, 3, 2500, 100, Instant.now())));
        assertEquals(2, policy.target(new ScalingPolicy.State("p", 0, 10, 0, 0, 0, 0, 100, Instant.now())));
    }
}
