package io.kindling.core;

import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.core.internal.AppVersion;
import io.kindling.core.internal.pool.PoolRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tasks every Kindling node can run, because their classes are in core: use them to ask a node about itself
 * without shipping application classes to it.
 */
public final class SystemTasks {

    /** What waiting on a peer's answer allows beyond the call's own timeout, which fails the call first. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private SystemTasks() {
    }

    /** {@return a task that returns the nodes the running node is connected to} */
    public static RemoteCallable<Set<NodeName>> connectedNodes() {
        return new ConnectedNodes();
    }

    /**
     * {@return a task that returns the nodes the running node is connected to, sorted, each with the attributes it
     * sent in the handshake (its application version is {@code kindling.app.version})}
     */
    public static RemoteCallable<Map<NodeName, NodeAttributes>> connectedNodeAttributes() {
        return new ConnectedNodeAttributes();
    }

    /**
     * {@return a task that returns what the running node says about itself: its Kindling and application versions,
     * uptime, attributes, connections and pools}
     */
    public static RemoteCallable<NodeInfo> info() {
        return new Info();
    }

    /** {@return a task that returns the running node's metrics ({@link KindlingNode#metrics()})} */
    public static RemoteCallable<NodeMetrics> metrics() {
        return new Metrics();
    }

    /**
     * A task that returns the cluster as the running node sees it: its own info and metrics, and those of every node
     * it is connected to, asked in parallel.
     *
     * @param perNode how long each connected node has to answer; one that does not is listed as unanswered
     * @return the task
     */
    public static RemoteCallable<ClusterView> clusterView(Duration perNode) {
        return new View(perNode);
    }

    /**
     * A task that evaluates Java source inside the running node, in a JShell session kept between calls with the
     * same id (a release's {@code rpc} and {@code remote}); in the source, {@code node} is the node. Needs the
     * {@code jdk.jshell} module in the node's runtime.
     *
     * @param session the session's id: the same id keeps variables between calls
     * @param source an expression, statements or declarations
     * @return a task that returns the last value produced (an empty string when none)
     */
    public static RemoteCallable<String> evaluate(String session, String source) {
        return new Evaluate(session, source);
    }

    /**
     * The node a shell snippet runs in ({@link #evaluate}: a release's {@code rpc} and {@code remote}); each
     * session starts with {@code var node = SystemTasks.shellNode().orElse(null)}.
     *
     * @return the node, or empty outside a shell (a release's {@code eval} starts no node)
     */
    public static java.util.Optional<io.kindling.api.Node> shellNode() {
        return java.util.Optional.ofNullable(io.kindling.core.internal.shell.Shells.node());
    }

    /**
     * A task that stops the node's process gracefully, for a release's {@code stop}: it answers, then closes the node
     * (its clusters, pools and connections close with it) and exits the JVM with status 0, which runs the
     * application's shutdown hooks.
     *
     * @return a task that returns the node's name
     */
    public static RemoteCallable<String> stopProcess() {
        return new StopProcess();
    }

    private record StopProcess() implements RemoteCallable<String> {
        @Override
        public String call() {
            io.kindling.api.Node node = KindlingNode.current().orElseThrow(
                    () -> new IllegalStateException("stopProcess() runs only as a remote task"));
            Thread.ofPlatform().name("kindling-stop").start(() -> {
                try {
                    Thread.sleep(100); // let the answer leave first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                node.close();
                System.exit(0);
            });
            return node.name().toString();
        }
    }

    private record Evaluate(String session, String source) implements RemoteCallable<String> {
        @Override
        public String call() {
            io.kindling.api.Node node = KindlingNode.current().orElseThrow(
                    () -> new IllegalStateException("evaluate() runs only as a remote task"));
            return io.kindling.core.internal.shell.Shells.eval(node, session, source);
        }
    }

    private record Info() implements RemoteCallable<NodeInfo> {
        @Override
        public NodeInfo call() {
            KindlingNode node = KindlingNode.current().map(KindlingNode.class::cast).orElseThrow(
                    () -> new IllegalStateException("info() runs only as a remote task"));
            Map<NodeName, String> connections = new LinkedHashMap<>();
            for (NodeName peer : new TreeSet<>(node.connectedNodes())) {
                node.attributesOf(peer).ifPresent(values -> connections.put(peer,
                        values.get(AppVersion.KEY).orElse("")));
            }
            List<NodeInfo.PoolInfo> pools = PoolRegistry.of(node).stream()
                    .map(pool -> new NodeInfo.PoolInfo(pool.name(), pool.runners(), pool.booting(), pool.queued()))
                    .toList();
            return new NodeInfo(node.name(), AppVersion.kindling(),
                    node.attributes().get(AppVersion.KEY).orElse(""),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - node.startedNanos),
                    node.attributes().values(), connections, pools);
        }
    }

    private record Metrics() implements RemoteCallable<NodeMetrics> {
        @Override
        public NodeMetrics call() {
            return KindlingNode.current().map(KindlingNode.class::cast).orElseThrow(
                    () -> new IllegalStateException("metrics() runs only as a remote task")).metrics();
        }
    }

    private record Self() implements RemoteCallable<ClusterView.NodeView> {
        @Override
        public ClusterView.NodeView call() {
            return new ClusterView.NodeView(new Info().call(), new Metrics().call());
        }
    }

    private record View(Duration perNode) implements RemoteCallable<ClusterView> {
        @Override
        public ClusterView call() throws InterruptedException {
            KindlingNode node = KindlingNode.current().map(KindlingNode.class::cast).orElseThrow(
                    () -> new IllegalStateException("clusterView() runs only as a remote task"));
            Map<NodeName, CompletableFuture<ClusterView.NodeView>> asked = new LinkedHashMap<>();
            for (NodeName peer : new TreeSet<>(node.connectedNodes())) {
                asked.put(peer, node.callAsync(peer, new Self(), perNode));
            }
            List<ClusterView.NodeView> nodes = new ArrayList<>();
            nodes.add(new ClusterView.NodeView(new Info().call(), node.metrics()));
            Map<NodeName, String> unanswered = new LinkedHashMap<>();
            for (Map.Entry<NodeName, CompletableFuture<ClusterView.NodeView>> answer : asked.entrySet()) {
                try {
                    nodes.add(answer.getValue().get(perNode.toNanos() + SLACK_NANOS, TimeUnit.NANOSECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    answer.getValue().cancel(true);
                    unanswered.put(answer.getKey(), String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
            return new ClusterView(node.name(), nodes, unanswered);
        }
    }

    private record ConnectedNodeAttributes() implements RemoteCallable<Map<NodeName, NodeAttributes>> {
        @Override
        public Map<NodeName, NodeAttributes> call() {
            KindlingNode node = KindlingNode.current().map(KindlingNode.class::cast).orElseThrow(
                    () -> new IllegalStateException("connectedNodeAttributes() runs only as a remote task"));
            Map<NodeName, NodeAttributes> attributes = new LinkedHashMap<>();
            for (NodeName peer : new TreeSet<>(node.connectedNodes())) {
                node.attributesOf(peer).ifPresent(values -> attributes.put(peer, values));
            }
            return attributes;
        }
    }

    private record ConnectedNodes() implements RemoteCallable<Set<NodeName>> {
        @Override
        public Set<NodeName> call() {
            return new TreeSet<>(KindlingNode.current().orElseThrow(() -> new IllegalStateException(
                    "connectedNodes() runs only as a remote task")).connectedNodes());
        }
    }
}
