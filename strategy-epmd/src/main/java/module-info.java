/**
 * Erlang's port mapper for Kindling: {@link io.kindling.strategy.epmd.EpmdClient} and
 * {@link io.kindling.strategy.epmd.PortMapper} speak the EPMD protocol byte for byte as Erlang/OTP's {@code epmd}
 * does, and the {@code epmd} and {@code local-epmd} discovery strategies find Kindling nodes through it.
 */
module io.kindling.strategy.epmd {
    requires transitive io.kindling.api;

    exports io.kindling.strategy.epmd;

    provides io.kindling.api.spi.DiscoveryStrategyProvider with
            io.kindling.strategy.epmd.EpmdStrategyProvider,
            io.kindling.strategy.epmd.LocalEpmdStrategyProvider;
}
