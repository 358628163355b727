package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.NetworkHosts;
import io.kindling.testsupport.NetworkHosts.Host;
import io.kindling.testsupport.Requires;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster forms across hosts through each discovery strategy: three hosts, two on one site and one behind the
 * router, a node on each, found through {@code dns} (the hosts' own resolver, a dnsmasq on the router), through
 * {@code jgroups} (TCP, TCPPING over the hosts' addresses) and through {@code epmd} (Erlang's own {@code epmd} on each
 * host). Needs root, iproute2, nftables, dnsmasq and Erlang's epmd, as CI has.
 */
class CrossHostDiscoveryTest {

    /** How long the cluster may take to form: JVM starts on a loaded machine, and a poll interval. */
    private static final Duration FORM = Duration.ofSeconds(60);

    private NetworkHosts hosts;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final String cookie = UUID.randomUUID().toString();

    @BeforeEach
    void createHosts() {
        NetworkHosts.requireTools();
        hosts = NetworkHosts.create(2, 1);
    }

    @AfterEach
    void removeHosts() throws InterruptedException {
        for (ChildProcess process : processes) {
            process.kill();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void formsThroughDns() throws Exception {
        formsAndCalls(host -> List.of("kindling.cluster.strategy=dns", "kindling.cluster.poll-interval=1s",
                "kindling.strategy.dns.query=hosts.kindling.test", "kindling.strategy.dns.basename=node",
                "kindling.strategy.dns.port=" + HostNode.PORT));
    }

    @Test
    void formsThroughJGroups() throws Exception {
        String initialHosts = hosts.hosts().stream().map(host -> host.address() + "[7800]")
                .collect(Collectors.joining(","));
        formsAndCalls(host -> List.of("kindling.cluster.strategy=jgroups", "kindling.cluster.poll-interval=1s",
                "kindling.strategy.jgroups.bind-address=" + host.address(), "kindling.strategy.jgroups.bind-port=7800",
                "kindling.strategy.jgroups.port-range=0", "kindling.strategy.jgroups.initial-hosts=" + initialHosts));
    }

    @Test
    void formsThroughEpmdWithOnePortMapperPerHost() throws Exception {
        String epmd = Requires.executable("epmd", "erlang-base").toString();
        for (Host host : hosts.hosts()) {
            ChildProcess mapper = hosts.exec(host, "epmd on " + host, List.of(epmd, "-port", "4369"), Map.of());
            processes.add(mapper);
            // epmd prints nothing when it is ready: ask it, from the host, until it answers
            io.kindling.testsupport.Await.until("epmd on " + host, FORM, mapper::output, () ->
                    io.kindling.testsupport.Commands.attempt(null, List.of("ip", "netns", "exec", host.namespace(),
                            epmd, "-port", "4369", "-names")).status() == 0);
        }
        String nodes = hosts.hosts().stream().map(HostNode::nameOn).collect(Collectors.joining(","));
        formsAndCalls(host -> List.of("kindling.cluster.strategy=epmd", "kindling.cluster.poll-interval=1s",
                "kindling.strategy.epmd.server=never", "kindling.strategy.epmd.nodes=" + nodes));
    }

    private void formsAndCalls(Function<Host, List<String>> settings) throws Exception {
        List<HostNode> nodes = new ArrayList<>();
        for (Host host : hosts.hosts()) {
            HostNode node = HostNode.start(hosts, host, cookie, settings.apply(host));
            processes.add(node.process);
            nodes.add(node);
        }
        for (HostNode node : nodes) {
            for (HostNode other : nodes) {
                if (other != node) {
                    node.awaitUp(0, other, FORM);
                }
            }
        }
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
