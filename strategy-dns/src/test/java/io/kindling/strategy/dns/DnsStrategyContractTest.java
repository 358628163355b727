package io.kindling.strategy.dns;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dns} strategy against the discovery contract, with a real dnsmasq on 127.0.0.1. */
class DnsStrategyContractTest extends DiscoveryStrategyContract {

    @TempDir
    Path dir;
    private Dnsmasq dnsmasq;

    @AfterEach
    void stopDnsmasq() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    private static DnsOptions options(String name, int port, InetSocketAddress server, Duration timeout) {
        return DnsOptions.of(new DnsOptions.Query(DnsOptions.Type.ADDRESS, "tck-b", name, port))
                .withServers(List.of(server)).withTimeout(timeout);
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        Node b = nodes.get(1);
        dnsmasq = Dnsmasq.start(dir, "127.0.0.1", 0, Map.of("b.kindling.test", List.of("127.0.0.1")), List.of());
        return DnsStrategyProvider.strategy(options("b.kindling.test", b.address().port(), dnsmasq.address,
                Duration.ofSeconds(5)));
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        return DnsStrategyProvider.strategy(options("b.kindling.test", 4370,
                new InetSocketAddress("127.0.0.1", deadPort), SOURCE_TIMEOUT));
    }

    @Override
    protected DiscoveryStrategy strategyWithOneSourceDown(Node node, int deadPort) {
        return Assumptions.abort("dns: one query per source; a query that fails beside one that answers is not set "
                + "up here");
    }

    @Override
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp) {
        return DnsStrategyProvider.strategy(options("b.kindling.test", 4370, silentUdp, SOURCE_TIMEOUT));
    }
}
