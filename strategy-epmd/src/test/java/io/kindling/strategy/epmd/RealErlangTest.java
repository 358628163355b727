package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kindling against Erlang/OTP's own epmd and erl (Debian erlang-base), all on 127.0.0.1. */
class RealErlangTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String STAY_UP = "receive stop -> ok end.";
    private static final String PRINT_NAMES_AND_STAY_UP = "io:format(\"NAMES ~p~n\", [net_adm:names()]), " + STAY_UP;

    @RegisterExtension
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T open(T closeable) {
        return closer.add(closeable);
    }

    private KindlingNode node(String name) {
        return open(KindlingNode.builder().name(name + "@127.0.0.1").cookie("epmd-test").start());
    }

    private Cluster localEpmd(KindlingNode node, int port, EpmdOptions.ServerMode mode) {
        EpmdOptions options = EpmdOptions.defaults().withPort(port).withServer(mode, "127.0.0.1");
        return open(Cluster.builder(node).pollInterval(Duration.ofHours(1))
                .strategy(LocalEpmdStrategyProvider.strategy(options)).start());
    }

    @Test
    void kindlingNodesRegisterWithTheRealEpmdAndSkipErlangNodes() throws Exception {
        int port = ErlangTools.freePort();
        open(ErlangTools.startEpmd(port));
        EpmdClient client = new EpmdClient("127.0.0.1", port, Duration.ofSeconds(5));
        KindlingNode k1 = node("k1");
        Cluster cluster = localEpmd(k1, port, EpmdOptions.ServerMode.NEVER);
        String names = ErlangTools.epmdNames(port);
        assertTrue(names.contains("name k1 at port " + k1.address().port()), names);

        ChildProcess erl = open(ErlangTools.startErl("erlx@127.0.0.1", port, PRINT_NAMES_AND_STAY_UP));
        String erlNames = erl.awaitLine(WAIT, line -> line.startsWith("NAMES"));
        assertTrue(erlNames.contains("{\"k1\"," + k1.address().port() + "}"), "erl sees k1: " + erlNames);
        Await.until("erlx registered", WAIT, () -> client.names().containsKey("erlx"));
        assertEquals(EpmdEntry.NORMAL_NODE, client.lookup("erlx").orElseThrow().nodeType());
        EpmdEntry k1Entry = client.lookup("k1").orElseThrow();
        assertEquals(EpmdEntry.HIDDEN_NODE, k1Entry.nodeType());
        assertTrue(k1Entry.isKindling(), k1Entry.toString());

        KindlingNode k2 = node("k2");
        localEpmd(k2, port, EpmdOptions.ServerMode.NEVER);
        RefreshResult.Success result = assertInstanceOf(RefreshResult.Success.class, cluster.refresh());
        assertEquals(Set.of(k2.name()), result.nodes());
        String erlang = result.skipped().get("erlx@127.0.0.1");
        assertTrue(erlang != null && erlang.contains("not a Kindling node (type M"), result.toString());

        // The epmd strategy: a list of names, each looked up on its host's port mapper.
        KindlingNode k3 = node("k3");
        EpmdOptions listed = EpmdOptions.defaults().withPort(port).withServer(EpmdOptions.ServerMode.NEVER, "")
                .withNodes(List.of(k2.name(), NodeName.parse("erlx@127.0.0.1"), NodeName.parse("missing@127.0.0.1")));
        RefreshResult.Success once = assertInstanceOf(RefreshResult.Success.class,
                Cluster.runOnce(k3, EpmdStrategyProvider.strategy(listed)));
        assertEquals(Set.of(k2.name()), once.connected());
        assertTrue(once.skipped().get("erlx@127.0.0.1").contains("Kindling does not dial Erlang nodes"),
                once.toString());
        assertTrue(once.skipped().get("missing@127.0.0.1").contains("not registered"), once.toString());
        Await.until("k3 unregistered when its one-off strategy closed", WAIT,
                () -> !client.names().containsKey("k3"));
    }

    @Test
    void theRealEpmdClientAndErlUseKindlingsPortMapper() throws Exception {
        int port = ErlangTools.freePort();
        PortMapper mapper = open(PortMapper.start(InetAddress.getLoopbackAddress(), port));
        KindlingNode k1 = node("pm1");
        KindlingNode k2 = node("pm2");
        Cluster cluster = localEpmd(k1, port, EpmdOptions.ServerMode.NEVER);
        localEpmd(k2, port, EpmdOptions.ServerMode.IF_ABSENT);

        String names = ErlangTools.epmdNames(port);
        assertTrue(names.contains("epmd: up and running on port " + port + " with data:"), names);
        assertTrue(names.contains("name pm1 at port " + k1.address().port()), names);
        assertTrue(names.contains("name pm2 at port " + k2.address().port()), names);

        ChildProcess erl = open(ErlangTools.startErl("x@127.0.0.1", port, PRINT_NAMES_AND_STAY_UP));
        String erlNames = erl.awaitLine(WAIT, line -> line.startsWith("NAMES"));
        assertTrue(erlNames.contains("\"pm1\"") && erlNames.contains("\"pm2\""), erlNames);
        Await.until("erl registered with Kindling's port mapper", WAIT,
                () -> mapper.registrations().containsKey("x"));
        EpmdEntry x = mapper.registrations().get("x");
        assertEquals(EpmdEntry.NORMAL_NODE, x.nodeType());
        assertTrue(x.highestVersion() >= 6, x.toString());
        assertTrue(ErlangTools.epmdNames(port).contains("name x at port " + x.port()));

        RefreshResult.Success result = assertInstanceOf(RefreshResult.Success.class, cluster.refresh());
        assertEquals(Set.of(k2.name()), result.nodes());
        assertTrue(result.skipped().containsKey("x@127.0.0.1"), result.toString());

        erl.kill();
        Await.until("erl's registration dropped with its connection", WAIT,
                () -> !mapper.registrations().containsKey("x"));
    }

    @Test
    void withoutAPortMapperAndServerNeverTheClusterDoesNotStartAndSaysWhatToDo() throws Exception {
        int port = ErlangTools.freePort();
        KindlingNode k1 = node("gone1");
        EpmdOptions never = EpmdOptions.defaults().withPort(port).withServer(EpmdOptions.ServerMode.NEVER, "");
        DiscoveryStrategy strategy = LocalEpmdStrategyProvider.strategy(never);
        io.kindling.api.KindlingException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.kindling.api.KindlingException.class, () -> Cluster.builder(k1).strategy(strategy).start());
        assertTrue(refused.getMessage().contains("No port mapper answers at 127.0.0.1:" + port)
                && refused.getMessage().contains("epmd -daemon"), refused.getMessage());
    }
}
