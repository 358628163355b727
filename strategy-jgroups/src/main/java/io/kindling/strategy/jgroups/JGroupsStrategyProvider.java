package io.kindling.strategy.jgroups;

import io.kindling.api.Config;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;

/**
 * Provides the {@code jgroups} strategy: the node joins a JGroups channel (cluster name {@code kindling} by
 * default) with its Kindling address in its JGroups address; the discovered nodes are the Kindling members of the
 * current view, and a view change refreshes the cluster at once. The channel is closed when the cluster (or its
 * node) shuts down. The stack is a built-in TCP + TCPPING one that works on one machine without multicast, or any
 * JGroups XML (multicast {@code udp.xml}, {@code DNS_PING}, {@code KUBE_PING}, …). Settings:
 * {@link JGroupsOptions}.
 */
public final class JGroupsStrategyProvider implements DiscoveryStrategyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public JGroupsStrategyProvider() {
    }

    @Override
    public String name() {
        return "jgroups";
    }

    @Override
    public DiscoveryStrategy create(Config config) {
        return strategy(JGroupsOptions.fromConfig(config));
    }

    /**
     * The {@code jgroups} strategy from code.
     *
     * @param options the settings
     * @return a new strategy
     */
    public static DiscoveryStrategy strategy(JGroupsOptions options) {
        return new JGroupsStrategy(options);
    }
}
