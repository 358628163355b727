package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.NetworkHosts.Host;
import io.kindling.testsupport.Requires;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster forms across hosts through each discovery strategy: three hosts, two on one site and one behind the
 * router, a node on each, found through {@code dns} (the hosts' own resolver, a dnsmasq on the router), through
 * {@code jgroups} (TCP, TCPPING over the hosts' addresses) and through {@code epmd} (Erlang's own {@code epmd} on each
 * host). Needs root, iproute2, nftables, dnsmasq and Erlang's epmd, as CI has.
 */
class CrossHostDiscoveryTest {

    /** How long the cluster may take to form: JVM starts on a loaded machine, and a poll interval. */
    private static final Duration FORM = Duration.ofSeconds(60);

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void formsThroughDns() throws Exception {
        formsAndCalls(closer.add(HostCluster.create(2, 1)), host -> List.of("kindling.cluster.strategy=dns",
                "kindling.cluster.poll-interval=1s",
                "kindling.strategy.dns.query=hosts.kindling.test", "kindling.strategy.dns.basename=node",
                "kindling.strategy.dns.port=" + HostNode.PORT));
    }

    @Test
    void formsThroughJGroups() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(2, 1));
        String initialHosts = cluster.hosts.hosts().stream().map(host -> host.address() + "[7800]")
                .collect(Collectors.joining(","));
        formsAndCalls(cluster, host -> List.of("kindling.cluster.strategy=jgroups", "kindling.cluster.poll-interval=1s",
                "kindling.strategy.jgroups.bind-address=" + host.address(), "kindling.strategy.jgroups.bind-port=7800",
                "kindling.strategy.jgroups.port-range=0", "kindling.strategy.jgroups.initial-hosts=" + initialHosts));
    }

    @Test
    void formsThroughEpmdWithOnePortMapperPerHost() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(2, 1));
        String epmd = Requires.executable("epmd", "erlang-base").toString();
        for (Host host : cluster.hosts.hosts()) {
            // killed with the hosts
            ChildProcess mapper = cluster.hosts.exec(host, "epmd on " + host, List.of(epmd, "-port", "4369"),
                    Map.of());
            // epmd prints nothing when it is ready: ask it, from the host, until it answers
            io.kindling.testsupport.Await.until("epmd on " + host, FORM, mapper::output, () ->
                    io.kindling.testsupport.Commands.attempt(null, List.of("ip", "netns", "exec", host.namespace(),
                            epmd, "-port", "4369", "-names")).status() == 0);
        }
        String nodes = cluster.hosts.hosts().stream().map(HostNode::nameOn).collect(Collectors.joining(","));
        formsAndCalls(cluster, host -> List.of("kindling.cluster.strategy=epmd", "kindling.cluster.poll-interval=1s",
                "kindling.strategy.epmd.server=never", "kindling.strategy.epmd.nodes=" + nodes));
    }

    private static void formsAndCalls(HostCluster cluster, Function<Host, List<String>> settings)
            throws Exception {
        List<HostNode> nodes = new ArrayList<>();
        for (Host host : cluster.hosts.hosts()) {
            nodes.add(cluster.start(host, settings.apply(host)));
        }
        HostCluster.awaitMesh(nodes, FORM);
        for (HostNode node : nodes) {
            for (HostNode other : nodes) {
                if (other != node) {
                    String reply = node.call(other, Duration.ofSeconds(10));
                    assertTrue(reply.startsWith("CALLED "), node + " calls " + other + ": " + reply);
                }
            }
        }
    }
}
