package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.testsupport.Closer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The strategies' failure reporting and configuration, with Kindling's port mapper on loopback. */
class EpmdStrategyTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T open(T closeable) {
        return closer.add(closeable);
    }

    private KindlingNode node(String name, String... settings) {
        KindlingNode.Builder builder = KindlingNode.builder().name(name + "@127.0.0.1").cookie("epmd-test");
        for (int i = 0; i < settings.length; i += 2) {
            builder.set(settings[i], settings[i + 1]);
        }
        return open(builder.start());
    }

    @Test
    void anUnreachableHostIsAPartialFailureAndAllUnreachableIsAStrategyError() throws Exception {
        PortMapper mapper = open(PortMapper.start(InetAddress.getLoopbackAddress(), 0));
        KindlingNode k1 = node("part1");
        KindlingNode k2 = node("part2");
        EpmdOptions options = EpmdOptions.defaults().withPort(mapper.port())
                .withServer(EpmdOptions.ServerMode.NEVER, "")
                .withNodes(List.of(k2.name(), NodeName.parse("far@127.0.0.2")));
        open(Cluster.builder(k2).pollInterval(Duration.ofHours(1)).strategy(LocalEpmdStrategyProvider.strategy(
                options)).start());
        Cluster cluster = open(Cluster.builder(k1).pollInterval(Duration.ofHours(1))
                .strategy(EpmdStrategyProvider.strategy(options)).start());

        // The port mapper listens on 127.0.0.1 only: 127.0.0.2 stands for a host whose port mapper is down.
        RefreshResult.PartialFailure partial = assertInstanceOf(RefreshResult.PartialFailure.class,
                cluster.refresh());
        assertEquals(Set.of(k2.name()), partial.nodes());
        assertTrue(partial.sourceFailures().get("127.0.0.2").contains("No port mapper answers at 127.0.0.2:"),
                partial.toString());

        KindlingNode k3 = node("part3");
        RefreshResult.StrategyFailure none = assertInstanceOf(RefreshResult.StrategyFailure.class,
                Cluster.builder(k3).strategy(EpmdStrategyProvider.strategy(options.withNodes(List.of(
                        NodeName.parse("far@127.0.0.2"), NodeName.parse("farther@127.0.0.3"))))).runOnce());
        assertTrue(none.error().getMessage().startsWith("No port mapper answered"), none.error().getMessage());
    }

    @Test
    void strategiesAreFoundByNameAndConfiguredUnderKindlingStrategyEpmd() throws Exception {
        PortMapper mapper = open(PortMapper.start(InetAddress.getLoopbackAddress(), 0));
        KindlingNode k2 = node("cfg2", "kindling.epmd.port", Integer.toString(mapper.port()),
                "kindling.strategy.epmd.server", "never");
        open(Cluster.builder(k2).strategy("local-epmd").start()); // port from kindling.epmd.port (KINDLING_EPMD_PORT)
        KindlingNode k1 = node("cfg1", "kindling.strategy.epmd.port", Integer.toString(mapper.port()),
                "kindling.strategy.epmd.nodes", "cfg2@127.0.0.1");
        Cluster cluster = open(Cluster.builder(k1).strategy("epmd").start());
        assertEquals(Set.of(k2.name()), cluster.awaitPeers(1, Duration.ofSeconds(20)));
        assertEquals(Set.of("cfg1", "cfg2"), mapper.registrations().keySet());

        ConfigException noNodes = assertThrows(ConfigException.class,
                () -> new EpmdStrategyProvider().create(Config.empty()));
        assertTrue(noNodes.getMessage().contains("kindling.strategy.epmd.nodes"), noNodes.getMessage());
        ConfigException badMode = assertThrows(ConfigException.class, () -> EpmdOptions.fromConfig(
                Config.of(Map.of("kindling.strategy.epmd.server", "sometimes"))));
        assertTrue(badMode.getMessage().contains("never, if-absent, always"), badMode.getMessage());
        ConfigException badPort = assertThrows(ConfigException.class, () -> EpmdOptions.fromConfig(
                Config.of(Map.of("kindling.strategy.epmd.port", "70000"))));
        assertTrue(badPort.getMessage().contains("kindling.strategy.epmd.port"), badPort.getMessage());
    }

    @Test
    void serverAlwaysFailsClearlyWhenThePortIsTakenAndADuplicateNameIsRefused() throws Exception {
        PortMapper mapper = open(PortMapper.start(InetAddress.getLoopbackAddress(), 0));
        KindlingNode k1 = node("dup");
        EpmdOptions always = EpmdOptions.defaults().withPort(mapper.port())
                .withServer(EpmdOptions.ServerMode.ALWAYS, "127.0.0.1");
        KindlingException taken = assertThrows(KindlingException.class, () -> Cluster.builder(k1)
                .strategy(LocalEpmdStrategyProvider.strategy(always)).start());
        assertTrue(taken.getMessage().contains("the port is in use"), taken.getMessage());

        EpmdOptions shared = always.withServer(EpmdOptions.ServerMode.NEVER, "");
        open(Cluster.builder(k1).strategy(LocalEpmdStrategyProvider.strategy(shared)).start());
        KindlingNode twin = KindlingNode.builder().name("dup@localhost").cookie("epmd-test").host("127.0.0.1")
                .start();
        open(twin);
        KindlingException duplicate = assertThrows(KindlingException.class, () -> Cluster.builder(twin)
                .strategy(LocalEpmdStrategyProvider.strategy(shared)).start());
        assertTrue(duplicate.getMessage().contains("refused to register 'dup'")
                && duplicate.getMessage().contains("taken"), duplicate.getMessage());
    }
}
