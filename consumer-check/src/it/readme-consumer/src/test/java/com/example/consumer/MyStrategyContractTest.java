package com.example.consumer;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

// The README's compatibility-kit block: compiled here against the published kit (not run: MyStrategy is the
// reader's own strategy; the shipped strategies run the same kit in their modules).
class MyStrategyContractTest extends DiscoveryStrategyContract {
    private static final String COOKIE = UUID.randomUUID() + "-" + UUID.randomUUID();   // random per run
    @Override protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie(COOKIE).start();
    }
    @Override protected DiscoveryStrategy strategyFinding(List<Node> nodes) {
        return MyStrategy.listing(nodes);                           // a source holding them
    }
    @Override protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        return MyStrategy.at("127.0.0.1", deadPort);                // points at deadPort
    }
    @Override protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress tcp, InetSocketAddress udp) {
        return MyStrategy.at(tcp.getHostString(), tcp.getPort(), SOURCE_TIMEOUT);   // never answers
    }
}
