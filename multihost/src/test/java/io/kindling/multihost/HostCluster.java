package io.kindling.multihost;

import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.NetworkHosts;
import io.kindling.testsupport.NetworkHosts.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The hosts of one test and the nodes on them: {@link NetworkHosts} with one cookie, nodes started on hosts and
 * killed, with the hosts, at {@link #close}. Register it with the test's {@code Closer}.
 */
final class HostCluster implements AutoCloseable {

    final NetworkHosts hosts;
    final List<HostNode> nodes = new ArrayList<>();
    private final String cookie = UUID.randomUUID().toString();

    private HostCluster(NetworkHosts hosts) {
        this.hosts = hosts;
    }

    /**
     * Creates hosts, as {@link NetworkHosts#create}; skips the test (or fails it under CI's strict setting) where
     * the machine cannot.
     */
    static HostCluster create(int... hostsPerSite) {
        NetworkHosts.requireTools();
        return new HostCluster(NetworkHosts.create(hostsPerSite));
    }

    /** Starts a {@link ClusterNodeMain} node on a host with these settings. */
    HostNode start(Host host, List<String> settings) throws InterruptedException {
        return start(host, settings, ClusterNodeMain.class);
    }

    /** Starts a node with another main class on a host with these settings. */
    HostNode start(Host host, List<String> settings, Class<?> mainClass) throws InterruptedException {
        HostNode node = HostNode.start(hosts, host, cookie, settings, mainClass);
        nodes.add(node);
        return node;
    }

    /**
     * Starts a node on every host, in a cluster over the {@code static} strategy naming them all, and waits until
     * every node sees every other.
     *
     * @param pollInterval the cluster's poll interval
     * @param mainClass the nodes' main class
     * @param more settings per host
     * @return the nodes, by host
     */
    List<HostNode> startMesh(Duration pollInterval, Class<?> mainClass,
            java.util.function.Function<Host, List<String>> more) throws InterruptedException {
        String all = hosts.hosts().stream().map(host -> HostNode.nameOn(host) + ":" + HostNode.PORT)
                .collect(Collectors.joining(","));
        List<HostNode> started = new ArrayList<>();
        for (Host host : hosts.hosts()) {
            List<String> settings = new ArrayList<>(List.of("kindling.cluster.strategy=static",
                    "kindling.strategy.static.nodes=" + all, "kindling.cluster.poll-interval="
                            + pollInterval.toMillis() + "ms"));
            settings.addAll(more.apply(host));
            started.add(start(host, settings, mainClass));
        }
        awaitMesh(started, Duration.ofSeconds(60));
        return started;
    }

    /** Waits until each node's cluster has reported every other node up. */
    static void awaitMesh(List<HostNode> nodes, Duration timeout) throws InterruptedException {
        for (HostNode node : nodes) {
            for (HostNode other : nodes) {
                if (other != node) {
                    node.awaitUp(0, other, timeout);
                }
            }
        }
    }

    /** {@return each node's output line count now, to wait for lines printed after it} */
    int[] lineCounts() {
        return nodes.stream().mapToInt(node -> node.process.lineCount()).toArray();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            for (HostNode node : nodes) {
                node.process.kill();
            }
        } finally {
            hosts.close();
        }
    }
}
