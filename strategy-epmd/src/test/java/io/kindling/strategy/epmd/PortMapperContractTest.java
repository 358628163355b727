package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the two EPMD strategies' contract tests share: Kindling's own port mapper on 127.0.0.1 for each test, and
 * nodes registered with it by other members.
 */
abstract class PortMapperContractTest extends DiscoveryStrategyContract {

    private final List<AutoCloseable> members = new ArrayList<>();
    /** The port mapper of the current test. */
    protected PortMapper mapper;

    @BeforeEach
    void startPortMapper() {
        mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopPortMapper() throws Exception {
        for (AutoCloseable member : members) {
            member.close();
        }
        mapper.close();
    }

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    /** Options for this test's port mapper, which the strategies never start themselves. */
    protected EpmdOptions options(int port, Duration timeout) {
        EpmdOptions o = EpmdOptions.defaults().withPort(port).withServer(EpmdOptions.ServerMode.NEVER, "");
        return new EpmdOptions(o.host(), o.port(), o.server(), o.serverAddress(), timeout, o.nodes());
    }

    /** Both strategies register their node with the port mapper at start; {@code close} unregisters it. */
    @Override
    protected boolean isRegistered(Node node) {
        return new EpmdClient("127.0.0.1", mapper.port(), Duration.ofSeconds(5)).names()
                .containsKey(node.name().name());
    }

    /** Registers each node with the port mapper, as its own {@code local-epmd} strategy would. */
    protected void registerOthers(List<Node> nodes) throws Exception {
        for (Node node : nodes) {
            DiscoveryStrategy member = LocalEpmdStrategyProvider.strategy(options(mapper.port(),
                    Duration.ofSeconds(5)));
            member.start(node);
            members.add(member);
        }
    }
}
