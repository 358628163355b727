package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The {@code epmd} strategy against the discovery contract, with Kindling's own port mapper on 127.0.0.1. The
 * strategy looks names up on each host's port mapper: 127.0.0.2 stands for a host whose port mapper is down.
 */
class EpmdStrategyContractTest extends DiscoveryStrategyContract {

    private final List<AutoCloseable> registrations = new ArrayList<>();
    private PortMapper mapper;

    @BeforeEach
    void startPortMapper() throws Exception {
        mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopPortMapper() throws Exception {
        for (AutoCloseable registration : registrations) {
            registration.close();
        }
        mapper.close();
    }

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    private EpmdOptions options(List<NodeName> nodes) {
        return EpmdOptions.defaults().withPort(mapper.port()).withServer(EpmdOptions.ServerMode.NEVER, "")
                .withNodes(nodes);
    }

    private void register(Node node) throws Exception {
        DiscoveryStrategy registrar = LocalEpmdStrategyProvider.strategy(options(List.of()));
        registrar.start(node);
        registrations.add(registrar);
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        for (Node node : nodes.subList(1, nodes.size())) {
            register(node); // the first registers itself: the contract starts the strategy with it
        }
        return EpmdStrategyProvider.strategy(options(nodes.stream().map(Node::name).toList()));
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        // Its sources are the port mappers of the hosts it lists; no port mapper answers on 127.0.0.2.
        return EpmdStrategyProvider.strategy(options(List.of(NodeName.parse("far@127.0.0.2"))));
    }

    @Override
    protected DiscoveryStrategy strategyWithOneSourceDown(Node node, int deadPort) throws Exception {
        register(node);
        return EpmdStrategyProvider.strategy(options(List.of(node.name(), NodeName.parse("far@127.0.0.2"))));
    }

    @Override
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp) {
        return Assumptions.abort("epmd asks every host's port mapper on one port, the one it registers with at "
                + "start: a hanging port mapper fails start() within the timeout, before any discover()");
    }
}
