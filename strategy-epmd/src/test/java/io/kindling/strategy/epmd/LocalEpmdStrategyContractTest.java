package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The {@code local-epmd} strategy against the discovery contract: it registers its node with this host's port
 * mapper (Kindling's own, on 127.0.0.1) and lists every Kindling node registered there.
 */
class LocalEpmdStrategyContractTest extends DiscoveryStrategyContract {

    private final List<AutoCloseable> others = new ArrayList<>();
    private PortMapper mapper;

    @BeforeEach
    void startPortMapper() throws Exception {
        mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopPortMapper() throws Exception {
        for (AutoCloseable other : others) {
            other.close();
        }
        mapper.close();
    }

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    private DiscoveryStrategy strategy(int port, Duration timeout) {
        EpmdOptions o = EpmdOptions.defaults().withPort(port).withServer(EpmdOptions.ServerMode.NEVER, "");
        return LocalEpmdStrategyProvider.strategy(new EpmdOptions(o.host(), o.port(), o.server(), o.serverAddress(),
                timeout, o.nodes()));
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        for (Node node : nodes.subList(1, nodes.size())) {
            DiscoveryStrategy other = strategy(mapper.port(), Duration.ofSeconds(5));
            other.start(node);
            others.add(other);
        }
        return strategy(mapper.port(), Duration.ofSeconds(5));
    }

    @Override
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp) {
        return Assumptions.abort("local-epmd registers with its port mapper at start: a hanging one fails start() "
                + "within the timeout (EpmdStrategyTest), before any discover()");
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        return Assumptions.abort("local-epmd registers with its port mapper at start: a dead one fails start() "
                + "(EpmdStrategyTest), or is replaced by the port mapper it starts itself");
    }

    @Override
    protected DiscoveryStrategy strategyThatRegisters() {
        return strategy(mapper.port(), Duration.ofSeconds(5));
    }

    @Override
    protected boolean isRegistered(Node node) {
        return new EpmdClient("127.0.0.1", mapper.port(), Duration.ofSeconds(5)).names()
                .containsKey(node.name().name());
    }
}
