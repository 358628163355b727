/**
 * The {@code jgroups} discovery strategy: the node joins a JGroups channel, publishes its Kindling address in its
 * JGroups address, and discovers the Kindling nodes of the current view. JGroups ({@code org.jgroups}) is an
 * automatic module.
 */
module io.kindling.strategy.jgroups {
    requires transitive io.kindling.api;
    requires org.jgroups;
    // JGroups is an automatic module and declares nothing: these make its DNS_PING and JMX code work here.
    requires java.naming;
    requires java.management;

    exports io.kindling.strategy.jgroups;

    provides io.kindling.api.spi.DiscoveryStrategyProvider with io.kindling.strategy.jgroups.JGroupsStrategyProvider;
}
