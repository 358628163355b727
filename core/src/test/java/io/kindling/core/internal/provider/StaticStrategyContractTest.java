package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/** The {@code static} strategy against the discovery contract: a fixed list has no source to fail or hang. */
class StaticStrategyContractTest extends DiscoveryStrategyContract {

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) {
        String list = nodes.stream().map(n -> n.address().toString()).collect(Collectors.joining(","));
        return new StaticStrategyProvider().create(Config.of(Map.of("nodes", list)));
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        return Assumptions.abort("static: a fixed list has no source that can be down");
    }

    @Override
    protected DiscoveryStrategy strategyWithOneSourceDown(Node node, int deadPort) {
        return Assumptions.abort("static: a fixed list has no sources that can fail");
    }
}
