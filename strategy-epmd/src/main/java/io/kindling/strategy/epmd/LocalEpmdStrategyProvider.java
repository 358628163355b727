package io.kindling.strategy.epmd;

import io.kindling.api.Config;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;

/**
 * Provides the {@code local-epmd} strategy: every Kindling node registered on this host's port mapper
 * ({@code kindling.strategy.epmd.host}:{@code port}); Erlang nodes registered there are reported as skipped, never
 * dialed. The local node registers at start, starting a port mapper when none runs (by default). Settings:
 * {@link EpmdOptions}, read from {@code kindling.strategy.epmd.*}.
 */
public final class LocalEpmdStrategyProvider implements DiscoveryStrategyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public LocalEpmdStrategyProvider() {
    }

    @Override
    public String name() {
        return "local-epmd";
    }

    @Override
    public DiscoveryStrategy create(Config config) {
        return strategy(EpmdOptions.fromConfig(config));
    }

    /**
     * The {@code local-epmd} strategy from code.
     *
     * @param options the settings
     * @return a new strategy
     */
    public static DiscoveryStrategy strategy(EpmdOptions options) {
        return new EpmdStrategy(options, true);
    }
}
