package io.kindling.management;

import com.sun.net.httpserver.HttpServer;
import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeEvent;
import io.kindling.api.Subscription;
import io.kindling.core.ClusterView;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolEvent;
import io.kindling.management.internal.Auth;
import io.kindling.management.internal.Http;
import io.kindling.management.internal.Json;
import io.kindling.management.internal.ObserverEndpoints;
import io.kindling.micrometer.KindlingMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node's management endpoints, on the JDK's HTTP server:
 * <ul>
 *   <li>{@code /health/alive}: 200 while the node is open (a Kubernetes liveness probe);</li>
 *   <li>{@code /health/ready}: 200 once the node is connected to at least {@code min-peers} nodes, else 503 with
 *       the reason (a readiness probe);</li>
 *   <li>{@code /metrics}: the node's metrics in Prometheus's text format ({@code kindling-micrometer}'s meters);</li>
 *   <li>{@code /cluster}: the cluster as this node sees it, as JSON: nodes, versions, attributes, connections,
 *       pools, runners and metrics;</li>
 *   <li>{@code /events}: server-sent events, one JSON object each: node up and down, cluster refreshes, pool events,
 *       and changes between two views of the cluster;</li>
 *   <li>{@code /}: the observer page, which draws {@code /cluster} and {@code /events} live.</li>
 * </ul>
 * It binds 127.0.0.1 by default. Any other address requires an access token, because the endpoints show the whole
 * cluster's layout to whoever reaches them; requests then carry {@code Authorization: Bearer TOKEN} (or
 * {@code ?token=TOKEN}, for the page). Unset options come from {@code kindling.management.*}.
 */
public final class ManagementServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ManagementServer.class.getName());

    private final KindlingNode node;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ObserverEndpoints observer;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final ScheduledExecutorService poolWatch = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("kindling-management-pools").factory());
    private final Set<Pool> watchedPools = ConcurrentHashMap.newKeySet();
    private final int minPeers;

    private ManagementServer(Builder builder) throws IOException {
        this.node = builder.node;
        this.minPeers = builder.minPeers;
        Auth auth = new Auth(builder.token);
        this.server = HttpServer.create(builder.address, 0);
        server.setExecutor(executor);
        new KindlingMetrics(node::metrics).bindTo(registry);
        Duration perNode = builder.interval;
        this.observer = new ObserverEndpoints(server, auth,
                () -> node.call(node.name(), SystemTasks.clusterView(perNode), perNode.plusSeconds(5)),
                name -> false, builder.interval);
        server.createContext("/health/alive", exchange -> {
            boolean alive = !node.isClosed();
            Http.send(exchange, alive ? 200 : 503, "application/json", Json.write(Map.of("alive", alive,
                    "node", node.name().toString())));
        });
        server.createContext("/health/ready", exchange -> {
            int peers = node.connectedNodes().size();
            boolean ready = !node.isClosed() && peers >= minPeers;
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ready", ready);
            answer.put("node", node.name().toString());
            answer.put("peers", peers);
            answer.put("minPeers", minPeers);
            if (!ready) {
                answer.put("reason", node.isClosed() ? "the node is closed" : "connected to " + peers
                        + " nodes, fewer than kindling.management.min-peers=" + minPeers);
            }
            Http.send(exchange, ready ? 200 : 503, "application/json", Json.write(answer));
        });
        server.createContext("/metrics", exchange -> {
            if (auth.allows(exchange)) {
                Http.send(exchange, 200, "text/plain; version=0.0.4", registry.scrape());
            }
        });
        subscriptions.add(node.monitor(this::publish));
        for (Cluster cluster : builder.clusters) {
            subscriptions.add(cluster.addListener(this::publish));
        }
        poolWatch.scheduleWithFixedDelay(this::watchPools, 0, 1, TimeUnit.SECONDS);
        server.start();
        LOG.log(Level.INFO, "Management endpoints of " + node.name() + " on http://" + hostPort(address())
                + "/ (" + (auth.required() ? "access token required" : "loopback, no token") + ")");
    }

    /**
     * A builder for a node's endpoints.
     *
     * @param node the node
     * @return the builder
     */
    public static Builder builder(KindlingNode node) {
        return new Builder(node);
    }

    /** {@return the address it listens on (the port chosen when 0 was asked)} */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void publish(NodeEvent event) {
        switch (event) {
            case NodeEvent.NodeUp up -> observer.events().publish("node-up", Map.of("node", up.node().toString()));
            case NodeEvent.NodeDown down -> observer.events().publish("node-down", Map.of("node",
                    down.node().toString(), "reason", down.reason()));
        }
    }

    private void publish(ClusterEvent event) {
        if (event instanceof ClusterEvent.Refreshed refreshed) {
            observer.events().publish("cluster-refreshed", Map.of("cluster", event.cluster(), "outcome",
                    RefreshResult.describe(refreshed.result())));
        }
    }

    private void watchPools() {
        for (Pool pool : Pool.of(node)) {
            if (watchedPools.add(pool)) {
                subscriptions.add(pool.addListener(event -> observer.events().publish("pool-event",
                        Map.of("pool", pool.name(), "event", describe(event)))));
            }
        }
    }

    private static String describe(PoolEvent event) {
        return event.toString();
    }

    /** Stops the server, its event streams and its listeners. */
    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
        poolWatch.shutdownNow();
        observer.close();
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Options of a {@link ManagementServer}; unset ones come from the node's {@code kindling.management.*}. */
    public static final class Builder {
        private final KindlingNode node;
        private InetSocketAddress address;
        private String token;
        private int minPeers;
        private Duration interval = Duration.ofSeconds(1);
        private final List<Cluster> clusters = new ArrayList<>();

        private Builder(KindlingNode node) {
            this.node = Objects.requireNonNull(node, "node");
            var config = node.config();
            String bind = config.getString("kindling.management.bind", "127.0.0.1");
            int port = config.getInt("kindling.management.port", 9779);
            this.address = new InetSocketAddress(bind, port);
            this.token = config.getString("kindling.management.token", "");
            this.minPeers = config.getInt("kindling.management.min-peers", 0);
        }

        /**
         * Where to listen; default {@code kindling.management.bind} (127.0.0.1) and
         * {@code kindling.management.port} (9779); port 0 picks a free one.
         *
         * @param host the address to bind
         * @param port the port
         * @return this builder
         */
        public Builder bind(String host, int port) {
            this.address = new InetSocketAddress(host, port);
            return this;
        }

        /**
         * The access token every request must carry; default {@code kindling.management.token}, none. Required for
         * any bind address other than loopback.
         *
         * @param token the token
         * @return this builder
         */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * How many connected nodes make the node ready; default {@code kindling.management.min-peers}, 0.
         *
         * @param minPeers at least 0
         * @return this builder
         */
        public Builder minPeers(int minPeers) {
            if (minPeers < 0) {
                throw new ConfigException("kindling.management.min-peers", "min-peers must be 0 or more, not "
                        + minPeers);
            }
            this.minPeers = minPeers;
            return this;
        }

        /**
         * How often the observer takes a view of the cluster; default 1 s.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = io.kindling.api.Durations.requirePositive(interval, "Observer interval");
            return this;
        }

        /**
         * A cluster whose events the event stream carries too.
         *
         * @param cluster the cluster
         * @return this builder
         */
        public Builder cluster(Cluster cluster) {
            clusters.add(Objects.requireNonNull(cluster, "cluster"));
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws ConfigException if it binds an address other than loopback without a token
         * @throws KindlingException if it cannot listen there
         */
        public ManagementServer start() {
            if (!isLoopback(address) && token.isEmpty()) {
                throw new ConfigException("kindling.management.token", "The management endpoints bind "
                        + address.getHostString() + ", which is not loopback, and no access token is set: they "
                        + "show the whole cluster to whoever reaches them. Set kindling.management.token (a long "
                        + "random string; clients send 'Authorization: Bearer TOKEN'), or bind 127.0.0.1");
            }
            try {
                return new ManagementServer(this);
            } catch (IOException | UncheckedIOException e) {
                throw new KindlingException("Cannot serve the management endpoints on " + address + ": " + e
                        .getMessage() + " (kindling.management.bind, kindling.management.port)", e);
            }
        }

        private static boolean isLoopback(InetSocketAddress address) {
            try {
                return address.getAddress() != null ? address.getAddress().isLoopbackAddress()
                        : InetAddress.getByName(address.getHostString()).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
