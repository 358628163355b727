package io.kindling.strategy.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.PrunePolicy;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.Requires;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The dns strategy against a real dnsmasq on loopback; nodes on 127.0.0.2, .3, .4 stand for distinct hosts. */
class DnsStrategyTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private <T extends AutoCloseable> T open(T closeable) {
        return closer.add(closeable);
    }

    private KindlingNode node(String name, String host, int port) {
        return open(KindlingNode.builder().name(name).host(host).port(port).cookie("dns-test").start());
    }

    private static DnsOptions options(Dnsmasq dns, DnsOptions.Query... queries) {
        return new DnsOptions(List.of(queries), Dnsmasq.timeout(), List.of(dns.address), Path.of("/nonexistent"));
    }

    private static Map<String, List<String>> hosts(Object... nameThenIps) {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        for (int i = 0; i < nameThenIps.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> ips = (List<String>) nameThenIps[i + 1];
            hosts.put((String) nameThenIps[i], ips);
        }
        return hosts;
    }

    @Test
    void aRecordsBecomeNodesAndFollowTheRecordsBetweenRefreshes() throws Exception {
        int port = Dnsmasq.freePort("127.0.0.2");
        KindlingNode self = node("app@127.0.0.1", "127.0.0.1", port);
        KindlingNode two = node("app@127.0.0.2", "127.0.0.2", port);
        node("app@127.0.0.3", "127.0.0.3", port);
        KindlingNode four = node("app@127.0.0.4", "127.0.0.4", port);
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.1", 0,
                hosts("app.kindling.test", List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")), List.of()));
        Cluster cluster = open(Cluster.builder(self).pollInterval(Duration.ofHours(1)).prune(PrunePolicy.immediately())
                .strategy(DnsStrategyProvider.strategy(options(dns, new DnsOptions.Query(DnsOptions.Type.ADDRESS,
                        "app", "app.kindling.test", port)))).start());
        assertEquals(Set.of(two.name(), NodeName.parse("app@127.0.0.3")), cluster.awaitPeers(2,
                Duration.ofSeconds(20)), "the local node is not in its own result");

        dns.setHosts(hosts("app.kindling.test", List.of("127.0.0.1", "127.0.0.2", "127.0.0.4")));
        RefreshResult.Success changed = assertInstanceOf(RefreshResult.Success.class, cluster.refresh());
        assertEquals(Set.of(four.name()), changed.connected(), "a node added");
        assertEquals(Set.of(NodeName.parse("app@127.0.0.3")), changed.pruned(), "a node removed");
        assertEquals(Set.of(two.name(), four.name()), changed.nodes());
    }

    @Test
    void aaaaRecordsGiveNodesNamedByTheCanonicalIpv6Form() throws Exception {
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.1", 0, hosts("app6.kindling.test",
                List.of("::1", "fd00:0:0:0:0:0:0:2"), "both.kindling.test", List.of("127.0.0.2", "::1")), List.of()));
        DiscoveryStrategy strategy = DnsStrategyProvider.strategy(options(dns,
                new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "app6.kindling.test", 4370),
                new DnsOptions.Query(DnsOptions.Type.ADDRESS, "web", "both.kindling.test", 4371)));
        Set<String> found = strategy.discover().nodes().stream().map(a -> a.name() + " " + a.host() + " " + a.port())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("app@::1 ::1 4370", "app@fd00::2 fd00::2 4370",
                "web@127.0.0.2 127.0.0.2 4371", "web@::1 ::1 4371")), found);

        int port = Dnsmasq.freePort("::1");
        KindlingNode self = node("self@127.0.0.1", "127.0.0.1", 0);
        KindlingNode six = node("app@::1", "::1", port);
        RefreshResult result = Cluster.runOnce(self, DnsStrategyProvider.strategy(options(dns,
                new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "app6.kindling.test", port))));
        assertTrue(result.nodes().contains(six.name()), "connected over IPv6 loopback: " + result);
    }

    @Test
    void srvRecordsGiveEachTargetsNameAddressAndPort() throws Exception {
        int p1 = Dnsmasq.freePort("127.0.0.2");
        int p2 = Dnsmasq.freePort("127.0.0.3");
        KindlingNode n1 = node("worker@n1.kindling.test", "127.0.0.2", p1);
        KindlingNode n2 = node("worker@n2.kindling.test", "127.0.0.3", p2);
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.1", 0, hosts("n1.kindling.test", List.of("127.0.0.2"),
                "n2.kindling.test", List.of("127.0.0.3")), List.of(
                "srv-host=_kindling._tcp.workers.kindling.test,n1.kindling.test," + p1,
                "srv-host=_kindling._tcp.workers.kindling.test,n2.kindling.test," + p2)));
        KindlingNode self = node("self@127.0.0.1", "127.0.0.1", 0);
        RefreshResult.Success result = assertInstanceOf(RefreshResult.Success.class, Cluster.runOnce(self,
                DnsStrategyProvider.strategy(options(dns, new DnsOptions.Query(DnsOptions.Type.SRV, "worker",
                        "_kindling._tcp.workers.kindling.test", 0)))));
        assertEquals(Set.of(n1.name(), n2.name()), result.connected());
    }

    @Test
    void lookupFailuresAreTypedDiscoveryErrorsAndAnEmptyAnswerIsAnEmptyList() throws Exception {
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.1", 0, hosts("app.kindling.test", List.of("127.0.0.2")),
                List.of("srv-host=_only-srv._tcp.kindling.test,app.kindling.test,4370")));
        DnsLookupException missing = assertThrows(DnsLookupException.class, () -> DnsStrategyProvider.strategy(
                options(dns, new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "nosuch.kindling.test", 4370)))
                .discover());
        assertEquals(DnsLookupException.Kind.NO_SUCH_DOMAIN, missing.kind());
        assertTrue(missing.getMessage().contains("nosuch.kindling.test") && missing.getMessage().contains("NXDOMAIN"),
                missing.getMessage());

        DnsLookupException refused = assertThrows(DnsLookupException.class, () -> DnsStrategyProvider.strategy(
                options(dns, new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "elsewhere.example", 4370)))
                .discover());
        assertEquals(DnsLookupException.Kind.REFUSED, refused.kind());

        Discovery empty = DnsStrategyProvider.strategy(options(dns, new DnsOptions.Query(DnsOptions.Type.ADDRESS,
                "app", "_only-srv._tcp.kindling.test", 4370))).discover();
        assertEquals(Set.of(), empty.nodes(), "a name with no A/AAAA records is an empty answer");

        Discovery partial = DnsStrategyProvider.strategy(options(dns,
                new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "app.kindling.test", 4370),
                new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app", "nosuch.kindling.test", 4370))).discover();
        assertEquals(1, partial.nodes().size());
        assertTrue(partial.failures().get("A/AAAA nosuch.kindling.test").contains("NXDOMAIN"), partial.toString());
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAndTheClusterKeepsItsConnections() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            KindlingNode self = node("self@127.0.0.1", "127.0.0.1", 0);
            KindlingNode other = node("other@127.0.0.1", "127.0.0.1", 0);
            self.connect(other.address());
            DnsOptions silentServer = new DnsOptions(List.of(new DnsOptions.Query(DnsOptions.Type.ADDRESS, "app",
                    "app.kindling.test", 4370)), Duration.ofMillis(500),
                    List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), Path.of("/nonexistent"));
            long started = System.nanoTime();
            RefreshResult.StrategyFailure failure = assertInstanceOf(RefreshResult.StrategyFailure.class,
                    Cluster.builder(self).strategy(DnsStrategyProvider.strategy(silentServer))
                            .prune(PrunePolicy.immediately()).runOnce());
            long millis = (System.nanoTime() - started) / 1_000_000;
            DnsLookupException timeout = assertInstanceOf(DnsLookupException.class, failure.error());
            assertEquals(DnsLookupException.Kind.TIMEOUT, timeout.kind(), timeout.getMessage());
            assertTrue(millis < 5000, "bounded by the query timeout: " + millis + " ms");
            assertEquals(Set.of(other.name()), self.connectedNodes());
        }
    }

    @Test
    void aTruncatedAnswerIsFetchedAgainOverTcp() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 10; i < 70; i++) {
            many.add("127.0.1." + i);
        }
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.1", 0, hosts("big.kindling.test", many), List.of()));
        Discovery discovery = DnsStrategyProvider.strategy(options(dns, new DnsOptions.Query(DnsOptions.Type.ADDRESS,
                "app", "big.kindling.test", 4370))).discover();
        // 60 A records do not fit a 512-byte UDP answer: dnsmasq truncates it, and only TCP brings all of them.
        assertEquals(60, discovery.nodes().size());
    }

    @Test
    void theSystemResolverAppliesSearchDomains() throws Exception {
        Requires.root("runs dnsmasq on 127.0.0.9:53 (a resolv.conf has no ports)");
        Dnsmasq dns = open(Dnsmasq.start(dir, "127.0.0.9", 53, hosts("app.kindling.test", List.of("127.0.0.2")),
                List.of()));
        Path resolvConf = Files.writeString(dir.resolve("resolv.conf"),
                "# test\nnameserver 127.0.0.9\nsearch example.invalid kindling.test\noptions ndots:1 timeout:1\n");
        Discovery discovery = DnsStrategyProvider.strategy(new DnsOptions(List.of(new DnsOptions.Query(
                DnsOptions.Type.ADDRESS, "app", "app", 4370)), Dnsmasq.timeout(), List.of(), resolvConf)).discover();
        assertEquals(Set.of(new NodeAddress(NodeName.parse("app@127.0.0.2"), "127.0.0.2", 4370)), discovery.nodes(),
                dns.output());
    }

    @Test
    void settingsAreReadWithClearErrors() {
        DnsOptions options = DnsOptions.fromConfig(Config.of(Map.of("query", "app.internal", "basename", "app",
                "port", "4370", "queries", "srv:worker@_w._tcp.internal, a:web@web.internal:80",
                "servers", "127.0.0.1:5353, [::1]:53, 10.0.0.2", "timeout", "2s")));
        assertEquals(3, options.queries().size());
        assertEquals(DnsOptions.Type.SRV, options.queries().get(1).type());
        assertEquals(80, options.queries().get(2).port());
        assertEquals(List.of(5353, 53, 53), options.servers().stream().map(InetSocketAddress::getPort).toList());
        assertEquals("::1", options.servers().get(1).getHostString());
        ConfigException noPort = assertThrows(ConfigException.class, () -> DnsOptions.fromConfig(Config.of(Map.of(
                "query", "app.internal", "basename", "app"))));
        assertTrue(noPort.getMessage().contains("port"), noPort.getMessage());
        ConfigException nothing = assertThrows(ConfigException.class, () -> new DnsStrategyProvider().create(
                Config.empty()));
        assertTrue(nothing.getMessage().contains("kindling.strategy.dns") || nothing.getMessage().contains("query"),
                nothing.getMessage());
    }
}
