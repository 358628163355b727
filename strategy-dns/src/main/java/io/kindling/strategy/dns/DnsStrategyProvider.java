package io.kindling.strategy.dns;

import io.kindling.api.Config;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;

/**
 * Provides the {@code dns} strategy: A/AAAA records of a name become nodes {@code basename@ip} on one port (IPv6
 * in RFC 5952 form, as Erlang's {@code inet:ntoa}); SRV records become nodes {@code basename@target} at each
 * target's address and port. Several queries combine. A lookup failure (no such domain, timeout, server failure,
 * refused, malformed answer) is a {@link DnsLookupException} and a discovery error, never an empty list; an answer
 * with no records is an empty list. The local node is never in the result. Settings: {@link DnsOptions}.
 */
public final class DnsStrategyProvider implements DiscoveryStrategyProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public DnsStrategyProvider() {
    }

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public DiscoveryStrategy create(Config config) {
        return strategy(DnsOptions.fromConfig(config));
    }

    /**
     * The {@code dns} strategy from code.
     *
     * @param options the settings
     * @return a new strategy
     */
    public static DiscoveryStrategy strategy(DnsOptions options) {
        return new DnsStrategy(options);
    }
}
