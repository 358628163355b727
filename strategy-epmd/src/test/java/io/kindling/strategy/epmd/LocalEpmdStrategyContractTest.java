package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code local-epmd} strategy against the discovery contract: it registers its node with this host's port
 * mapper and lists every Kindling node registered there.
 */
class LocalEpmdStrategyContractTest extends PortMapperContractTest {

    private DiscoveryStrategy strategy() {
        return LocalEpmdStrategyProvider.strategy(options(mapper.port(), Duration.ofSeconds(5)));
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        registerOthers(nodes.subList(1, nodes.size()));
        return strategy();
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
        return strategy();
    }
}
