package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.spi.DiscoveryStrategy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code epmd} strategy against the discovery contract. It looks names up on each listed host's port mapper:
 * 127.0.0.2 stands for a host whose port mapper is down.
 */
class EpmdStrategyContractTest extends PortMapperContractTest {

    private DiscoveryStrategy looking(List<NodeName> nodes) {
        return EpmdStrategyProvider.strategy(options(mapper.port(), Duration.ofSeconds(5)).withNodes(nodes));
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        registerOthers(nodes.subList(1, nodes.size())); // the first registers itself: the contract starts it
        return looking(nodes.stream().map(Node::name).toList());
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        // Its sources are the port mappers of the hosts it lists; no port mapper answers on 127.0.0.2.
        return looking(List.of(NodeName.parse("far@127.0.0.2")));
    }

    @Override
    protected DiscoveryStrategy strategyWithOneSourceDown(Node node, int deadPort) throws Exception {
        registerOthers(List.of(node));
        return looking(List.of(node.name(), NodeName.parse("far@127.0.0.2")));
    }

    @Override
    protected DiscoveryStrategy strategyThatRegisters() {
        return looking(List.of(NodeName.parse("other@127.0.0.1")));
    }

    @Override
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp) {
        return Assumptions.abort("epmd asks every host's port mapper on one port, the one it registers with at "
                + "start: a hanging port mapper fails start() within the timeout, before any discover()");
    }
}
