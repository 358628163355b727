package io.kindling.strategy.epmd;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;

/**
 * Provides the {@code epmd} strategy: the nodes listed in {@code kindling.strategy.epmd.nodes} ({@code name@host},
 * required), each looked up on its host's port mapper; only Kindling nodes are dialed. The local node registers with
 * its own host's port mapper at start. Settings: {@link EpmdOptions}.
 */
public final class EpmdStrategyProvider implements DiscoveryStrategyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public EpmdStrategyProvider() {
    }

    @Override
    public String name() {
        return "epmd";
    }

    @Override
    public DiscoveryStrategy create(Config config) {
        EpmdOptions options = EpmdOptions.fromConfig(config);
        if (options.nodes().isEmpty()) {
            throw new ConfigException("kindling.strategy.epmd.nodes", "The epmd strategy needs the nodes to look "
                    + "up: set kindling.strategy.epmd.nodes to a comma-separated list of name@host");
        }
        return strategy(options);
    }

    /**
     * The {@code epmd} strategy from code.
     *
     * @param options the settings; {@link EpmdOptions#nodes()} must not be empty
     * @return a new strategy
     * @throws IllegalArgumentException if no nodes are given
     */
    public static DiscoveryStrategy strategy(EpmdOptions options) {
        if (options.nodes().isEmpty()) {
            throw new IllegalArgumentException("The epmd strategy needs at least one node (name@host)");
        }
        return new EpmdStrategy(options, false);
    }
}
