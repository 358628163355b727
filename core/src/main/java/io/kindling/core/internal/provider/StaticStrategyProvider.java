package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.NodeAddress;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Provides the {@code static} strategy: a fixed list of nodes, {@code kindling.strategy.static.nodes =
 * name@host:port, ...} (required). From code, use {@link DiscoveryStrategy#fixed}.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class StaticStrategyProvider implements DiscoveryStrategyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public StaticStrategyProvider() {
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public DiscoveryStrategy create(Config config) {
        List<String> entries = config.getList("nodes");
        if (entries.isEmpty()) {
            throw new ConfigException(config.fullKey("nodes"), "The static strategy needs its nodes: set "
                    + config.fullKey("nodes") + " to a comma-separated list of name@host:port");
        }
        List<NodeAddress> nodes = new ArrayList<>();
        for (String entry : entries) {
            try {
                nodes.add(NodeAddress.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.fullKey("nodes"), "Setting " + config.fullKey("nodes") + ": '"
                        + entry + "' is not a node address: " + e.getMessage());
            }
        }
        return DiscoveryStrategy.fixed(nodes);
    }
}
