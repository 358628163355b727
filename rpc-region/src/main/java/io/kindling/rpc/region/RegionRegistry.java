package io.kindling.rpc.region;

import io.kindling.api.Node;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.Subscription;
import io.kindling.core.internal.Listeners;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Which node is in which region. It follows the node's up and down events: each node that comes up is asked its
 * region with an asynchronous call (never on the event thread, so a node that does not answer stalls nothing); a
 * node that goes down is removed at once, and an answer that arrives after it went down is dropped. A node that
 * cannot answer (no region module or extension, or no answer within the query timeout) is recorded as without
 * region support and asked again when it reconnects. The local node is in its own region from the start.
 */
public final class RegionRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RegionRegistry.class.getName());

    private final Node node;
    private final RegionInfo local;
    private final Duration queryTimeout;
    private final Listeners<RegionEvent> events;
    private final Subscription monitor;
    // Guarded by "this".
    private final Map<NodeName, RegionInfo> regions = new HashMap<>();
    private final Map<NodeName, String> unsupported = new HashMap<>();
    private final Map<NodeName, Long> generations = new HashMap<>();
    private boolean closed;

    RegionRegistry(Node node, RegionInfo local, Duration queryTimeout) {
        this.node = node;
        this.local = local;
        this.queryTimeout = queryTimeout;
        this.events = new Listeners<>("kindling-regions-" + node.name().name(), "the regions of " + node.name());
        regions.put(node.name(), local);
        this.monitor = node.monitor(event -> {
            switch (event) {
                case NodeEvent.NodeUp up -> ask(up.node());
                case NodeEvent.NodeDown down -> gone(down.node());
            }
        });
        node.connectedNodes().forEach(this::ask);
    }

    /**
     * The nodes of a region now.
     *
     * @param region the region
     * @return its nodes, the local node included when it is in that region; empty when none
     */
    public synchronized Set<NodeName> nodes(String region) {
        Set<NodeName> nodes = new TreeSet<>();
        regions.forEach((name, info) -> {
            if (info.region().equals(region)) {
                nodes.add(name);
            }
        });
        return Collections.unmodifiableSet(nodes);
    }

    /** {@return every region that has a node now, with its nodes} */
    public synchronized Map<String, Set<NodeName>> regions() {
        Map<String, Set<NodeName>> all = new TreeMap<>();
        regions.forEach((name, info) -> all.computeIfAbsent(info.region(), r -> new TreeSet<>()).add(name));
        return Collections.unmodifiableMap(all);
    }

    /**
     * What a node answered about its region.
     *
     * @param node a node
     * @return what it answered, while it is up; empty for a node without region support or not known
     */
    public synchronized Optional<RegionInfo> infoOf(NodeName node) {
        return Optional.ofNullable(regions.get(node));
    }

    /** {@return the nodes up now that could not say their region, with the reason} */
    public synchronized Map<NodeName, String> withoutRegionSupport() {
        return Map.copyOf(unsupported);
    }

    /** {@return the local node's region and primary region} */
    public RegionInfo local() {
        return local;
    }

    /**
     * Adds a listener.
     *
     * @param listener receives later events, in order, on the registry's event thread
     * @return a handle that removes it
     */
    public Subscription addListener(Consumer<? super RegionEvent> listener) {
        return events.add(listener);
    }

    /**
     * Waits until a region has a node.
     *
     * @param region the region
     * @param timeout how long to wait
     * @return its nodes; empty if none appeared in time
     * @throws InterruptedException if interrupted
     */
    public synchronized Set<NodeName> awaitNodes(String region, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<NodeName> nodes = nodes(region);
        while (nodes.isEmpty() && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
            nodes = nodes(region);
        }
        return nodes;
    }

    /** Stops following node events. */
    @Override
    public void close() {
        monitor.close();
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        events.shutdown();
    }

    private void ask(NodeName peer) {
        long generation;
        synchronized (this) {
            generation = generations.merge(peer, 1L, Long::sum);
            unsupported.remove(peer);
        }
        try {
            node.callAsync(peer, new RegionQuery(), queryTimeout).whenComplete((info, error) -> answered(peer,
                    generation, info, error));
        } catch (RuntimeException e) {
            answered(peer, generation, null, e);
        }
    }

    private void answered(NodeName peer, long generation, RegionInfo info, Throwable error) {
        RegionEvent event;
        synchronized (this) {
            if (closed || generations.getOrDefault(peer, 0L) != generation) {
                return; // the node went down (or came up again) since it was asked
            }
            if (error == null) {
                regions.put(peer, info);
                event = new RegionEvent.NodeJoined(peer, info);
                notifyAll();
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                unsupported.put(peer, reason);
                event = new RegionEvent.NoRegionSupport(peer, reason);
            }
        }
        if (event instanceof RegionEvent.NoRegionSupport missing) {
            LOG.log(Level.INFO, "Node " + peer + " has no region support: " + missing.reason());
        }
        emit(event);
    }

    private void gone(NodeName peer) {
        RegionInfo left;
        synchronized (this) {
            generations.merge(peer, 1L, Long::sum);
            unsupported.remove(peer);
            left = regions.remove(peer);
        }
        if (left != null) {
            emit(new RegionEvent.NodeLeft(peer, left.region()));
        }
    }

    private void emit(RegionEvent event) {
        events.emit(event);
    }
}
