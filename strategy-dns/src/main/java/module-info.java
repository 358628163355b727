/**
 * The {@code dns} discovery strategy: nodes from A/AAAA records ({@code basename@ip}) or SRV records, resolved with
 * the JDK's DNS client (JNDI), against the system's name servers or explicit ones.
 */
module io.kindling.strategy.dns {
    requires transitive io.kindling.api;
    requires java.naming;
    requires jdk.naming.dns;
    requires com.google.common;

    exports io.kindling.strategy.dns;

    provides io.kindling.api.spi.DiscoveryStrategyProvider with io.kindling.strategy.dns.DnsStrategyProvider;
}
