package io.kindling.strategy.jgroups;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.tck.DiscoveryStrategyContract;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path xml = Files.writeString(dir.resolve("loopback.xml"), """
                <config xmlns="urn:org:jgroups">
                  <TCP bind_addr="127.0.0.1" bind_port="%d" port_range="5"/>
                  <TCPPING initial_hosts="127.0.0.1[%d]" port_range="5"/>
                  <MERGE3 min_interval="1s" max_interval="3s"/>
                  <FD_SOCK2/>
                  <FD_ALL3 timeout="10s" interval="2s"/>
                  <VERIFY_SUSPECT2 timeout="1s"/>
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE/>
                  <pbcast.GMS join_timeout="1s" print_local_addr="false"/>
                  <FRAG2/>
                </config>
                """.formatted(port, port));
        options = JGroupsOptions.defaults().withCluster("tck-" + ProcessHandle.current().pid() + "-" + port)
                .withConfig(xml.toString());
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
