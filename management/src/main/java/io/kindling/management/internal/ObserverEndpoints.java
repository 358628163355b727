package io.kindling.management.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kindling.api.NodeName;
import io.kindling.core.ClusterView;
import io.kindling.core.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The observer: the page ({@code /}), the cluster as JSON ({@code /cluster}) and the event stream ({@code /events}),
 * on a server of the caller's. While someone watches (an event stream is open, or {@code /cluster} was read in the
 * last {@value #WATCHED_SECONDS} s), a poller takes a {@link ClusterView} every interval and publishes what changed
 * between two views as events (a node joined or left, a runner up or gone, a pool's booting or queued count); the
 * caller may publish more (a node's own node and cluster events). Nobody watching, it asks no node anything: a view
 * is calls to every node.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class ObserverEndpoints implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ObserverEndpoints.class.getName());

    private final Supplier<ClusterView> views;
    private final Predicate<NodeName> hidden;
    private final EventStream events = new EventStream();
    private final Thread poller;
    static final int WATCHED_SECONDS = 10;

    private volatile ClusterView latest;
    private volatile String failure;
    private volatile long lastRead;

    /**
     * Registers the endpoints and starts the poller.
     *
     * @param server the server
     * @param auth who may read
     * @param views takes a view of the cluster (blocking, bounded by its own timeouts)
     * @param hidden nodes left out (the command line's client)
     * @param interval how often the poller takes a view
     */
    public ObserverEndpoints(HttpServer server, Auth auth, Supplier<ClusterView> views, Predicate<NodeName> hidden,
            Duration interval) {
        this.views = views;
        this.hidden = hidden;
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                Http.send(exchange, 404, "text/plain", "Not found: the endpoints are / (the observer page), "
                        + "/cluster, /events, /health/alive, /health/ready and /metrics\n");
            } else if (auth.allows(exchange)) {
                Http.send(exchange, 200, "text/html", page());
            }
        });
        server.createContext("/cluster", exchange -> {
            if (auth.allows(exchange)) {
                cluster(exchange);
            }
        });
        server.createContext("/events", exchange -> {
            if (auth.allows(exchange)) {
                events.serve(exchange);
            }
        });
        poller = Thread.ofVirtual().name("kindling-observer-poller").start(() -> poll(interval));
    }

    /** {@return the event stream, for the caller's own events} */
    public EventStream events() {
        return events;
    }

    private void cluster(HttpExchange exchange) throws IOException {
        lastRead = System.nanoTime();
        ClusterView view = latest;
        if (view == null) {
            view = takeView();
        }
        if (view == null) {
            Http.send(exchange, 503, "application/json", Json.write(Map.of("error", failure == null
                    ? "no view of the cluster yet" : failure)));
        } else {
            Http.send(exchange, 200, "application/json", Json.write(ViewJson.of(view, hidden)));
        }
    }

    private boolean watched() {
        return events.clients() > 0
                || System.nanoTime() - lastRead < java.util.concurrent.TimeUnit.SECONDS.toNanos(WATCHED_SECONDS);
    }

    /** Takes a view; publishes what changed since the last one. {@code null} when it failed (see failure). */
    private synchronized ClusterView takeView() {
        try {
            ClusterView view = views.get();
            ClusterView before = latest;
            latest = view;
            failure = null;
            if (before != null) {
                publishChanges(before, view);
            }
            return view;
        } catch (RuntimeException e) {
            failure = "Cannot take a view of the cluster: " + e.getMessage();
            LOG.log(Level.DEBUG, failure, e);
            return null;
        }
    }

    private void poll(Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            if (watched()) {
                takeView();
            } else {
                latest = null; // stale: the next reader takes a fresh one
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void publishChanges(ClusterView before, ClusterView after) {
        Map<NodeName, NodeInfo> was = infos(before);
        Map<NodeName, NodeInfo> now = infos(after);
        for (NodeName name : new TreeSet<>(now.keySet())) {
            if (!was.containsKey(name)) {
                String pool = now.get(name).attributes().get(ViewJson.RUNNER_POOL);
                events.publish(pool != null ? "runner-up" : "node-joined", pool != null
                        ? Map.of("node", name.toString(), "pool", pool) : Map.of("node", name.toString()));
            }
        }
        Set<NodeName> gone = new TreeSet<>(was.keySet());
        gone.removeAll(now.keySet());
        for (NodeName name : gone) {
            String pool = was.get(name).attributes().get(ViewJson.RUNNER_POOL);
            events.publish(pool != null ? "runner-gone" : "node-left", pool != null
                    ? Map.of("node", name.toString(), "pool", pool) : Map.of("node", name.toString()));
        }
        now.forEach((name, info) -> {
            NodeInfo old = was.get(name);
            if (old == null) {
                return;
            }
            for (NodeInfo.PoolInfo pool : info.pools()) {
                old.pools().stream().filter(p -> p.name().equals(pool.name())).findFirst().ifPresent(previous -> {
                    if (previous.booting() != pool.booting() || previous.queued() != pool.queued()) {
                        events.publish("pool", Map.of("node", name.toString(), "pool", pool.name(), "runners",
                                pool.runners().size(), "booting", pool.booting(), "queued", pool.queued()));
                    }
                });
            }
        });
    }

    private Map<NodeName, NodeInfo> infos(ClusterView view) {
        Map<NodeName, NodeInfo> infos = new HashMap<>();
        for (ClusterView.NodeView node : view.nodes()) {
            if (!hidden.test(node.info().name())) {
                infos.put(node.info().name(), node.info());
            }
        }
        return infos;
    }

    private static String page() throws IOException {
        try (InputStream in = ObserverEndpoints.class.getResourceAsStream("observer.html")) {
            if (in == null) {
                throw new IOException("observer.html is missing from the management module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        poller.interrupt();
        events.close();
    }
}
