package io.kindling.api.metrics;

import java.io.Serializable;
import java.util.Objects;

/**
 * One pool whose parent is this node.
 *
 * @param name the pool's name
 * @param runners runners up
 * @param booting runners booting
 * @param busy runners running at least one call
 * @param queued calls waiting for room
 * @param boots runners booted since the pool started
 * @param bootFailures boots that failed since the pool started
 */
public record PoolMetrics(String name, int runners, int booting, int busy, int queued, long boots,
        long bootFailures) implements Serializable {

    /** Checks the name. */
    public PoolMetrics {
        Objects.requireNonNull(name, "name");
    }
}
