package io.kindling.strategy.jgroups;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code jgroups} strategy against the discovery contract, with real JGroups members on a loopback stack. It
 * answers from its group's view: it has no remote source that can be down or hang.
 */
class JGroupsStrategyContractTest extends DiscoveryStrategyContract {

    @TempDir
    Path dir;
    private final List<DiscoveryStrategy> members = new ArrayList<>();
    private JGroupsOptions options;
    private Node watcher;

    @BeforeEach
    void stack() throws Exception {
        Path xml = LoopbackStack.write(dir);
        String cluster = "tck-" + ProcessHandle.current().pid() + "-" + dir.getFileName();
        options = JGroupsOptions.defaults().withCluster(cluster).withConfig(xml.toString());
    }

    @AfterEach
    void leave() {
        members.forEach(DiscoveryStrategy::close);
        if (watcher != null) {
            watcher.close();
        }
    }

    @Override
    protected Node startNode(String name) {
        return KindlingNode.builder().name(name + "@127.0.0.1").cookie("tck").start();
    }

    private DiscoveryStrategy member(Node node) throws Exception {
        DiscoveryStrategy member = JGroupsStrategyProvider.strategy(options);
        member.start(node);
        members.add(member);
        return member;
    }

    @Override
    protected DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception {
        for (Node node : nodes.subList(1, nodes.size())) {
            member(node);
        }
        return JGroupsStrategyProvider.strategy(options);
    }

    @Override
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) {
        return Assumptions.abort("jgroups answers from its own group view: no remote source can be down");
    }

    @Override
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp) {
        return Assumptions.abort("jgroups answers from its own group view: no remote source can hang");
    }

    @Override
    protected DiscoveryStrategy strategyThatRegisters() {
        return JGroupsStrategyProvider.strategy(options);
    }

    @Override
    protected boolean isRegistered(Node node) throws Exception {
        if (watcher == null) {
            watcher = startNode("tck-watcher");
            member(watcher);
        }
        return members.getFirst().discover().nodes().stream().anyMatch(a -> a.name().equals(node.name()));
    }
}
