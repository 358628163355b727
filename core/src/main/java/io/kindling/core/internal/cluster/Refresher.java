package io.kindling.core.internal.cluster;

import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.core.cluster.PrunePolicy;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.jfr.ClusterRefreshEvent;
import io.kindling.core.internal.jfr.Jfr;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One cluster's refresh: discover (bounded by the discovery timeout, interrupted on overrun), connect in parallel
 * to every discovered node that is not connected (each bounded by the connect timeout), then prune managed nodes
 * under the policy. A discovery error connects and disconnects nothing; a partial one connects what it found and
 * prunes nothing. Runs on the cluster's timer thread, one refresh at a time.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Refresher {

    private static final System.Logger LOG = LazyLogger.of(Refresher.class.getName());
    /** How much longer than the connect timeout a refresh waits for a strategy's connect hook. */
    private static final long CONNECT_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String cluster;
    private final Node node;
    private final DiscoveryStrategy strategy;
    private final String strategyName;
    private final Duration connectTimeout;
    private final Duration discoveryTimeout;
    private final PrunePolicy prunePolicy;
    private final ExecutorService work;
    /** Managed nodes and how many complete discoveries in a row missed them. Refresh thread only. */
    private final Map<NodeName, Integer> managed = new HashMap<>();
    private final DialBackoff backoff = new DialBackoff();
    /** Whether a discover() call is running, so a strategy that ignored interruption is not called again. */
    private final AtomicBoolean discovering = new AtomicBoolean();
    /** The last failure logged at WARNING, so a failure that repeats every poll is logged once. */
    private String lastWarning;
    private volatile RefreshResult lastResult;
    /** Notified when membership may have changed: after a refresh, and on node events. */
    private final Object membership = new Object();

    /**
     * @param cluster the cluster's name, for messages
     * @param node the local node
     * @param strategy the strategy
     * @param strategyName its name, for messages
     * @param connectTimeout bounds each connect
     * @param discoveryTimeout bounds each discovery
     * @param prunePolicy when managed nodes are disconnected
     * @param work runs discoveries and connects; shutting it down interrupts a refresh
     */
    public Refresher(String cluster, Node node, DiscoveryStrategy strategy, String strategyName,
            Duration connectTimeout, Duration discoveryTimeout, PrunePolicy prunePolicy, ExecutorService work) {
        this.cluster = cluster;
        this.node = node;
        this.strategy = strategy;
        this.strategyName = strategyName;
        this.connectTimeout = connectTimeout;
        this.discoveryTimeout = discoveryTimeout;
        this.prunePolicy = prunePolicy;
        this.work = work;
    }

    /** {@return the nodes connected now, this node excluded, as the strategy lists them} */
    public Set<NodeName> peers() {
        Set<NodeName> peers = new TreeSet<>(strategy.listNodes(node));
        peers.remove(node.name());
        return peers;
    }

    /** {@return the last refresh's result, or {@code null} before the first ended} */
    public RefreshResult lastResult() {
        return lastResult;
    }

    /**
     * Refreshes once and keeps the result; a failing strategy hook (listNodes, a plugin's missing class) or a
     * refresh interrupted by shutdown becomes a {@link RefreshResult.StrategyFailure}.
     *
     * @param prune whether to prune
     * @param shuttingDown whether a failure is expected (the cluster is shutting down): then it is logged at DEBUG
     * @return what it did
     */
    public RefreshResult refreshSafely(boolean prune, BooleanSupplier shuttingDown) {
        ClusterRefreshEvent event = Jfr.on() && ClusterRefreshEvent.wanted() ? new ClusterRefreshEvent() : null;
        if (event != null) {
            event.begin();
        }
        RefreshResult result;
        try {
            result = refresh(prune);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(shuttingDown.getAsBoolean() ? Level.DEBUG : Level.WARNING, "Cluster " + cluster
                    + ": refresh failed", e);
            result = new RefreshResult.StrategyFailure(Set.of(), e);
        }
        lastResult = result;
        membershipChanged();
        if (event != null) {
            event.cluster = cluster;
            event.strategy = strategyName;
            event.outcome = RefreshResult.describe(result);
            event.nodes = result.nodes().size();
            event.commit();
        }
        return result;
    }

    /** Wakes {@link #awaitPeers} waiters: membership may have changed. */
    public void membershipChanged() {
        synchronized (membership) {
            membership.notifyAll();
        }
    }

    /**
     * Waits until at least {@code count} other nodes are connected.
     *
     * @param count how many nodes other than this one
     * @param timeout how long to wait
     * @return the nodes connected when the count was reached
     * @throws TimeoutException if it was not reached in time; the message has the last refresh result
     * @throws InterruptedException if interrupted while waiting
     */
    public Set<NodeName> awaitPeers(int count, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (membership) {
            while (true) {
                Set<NodeName> peers = peers();
                if (peers.size() >= count) {
                    return peers;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("Cluster " + cluster + " has " + peers.size() + " of " + count
                            + " nodes after " + timeout.toMillis() + " ms: " + peers + "; last refresh: "
                            + RefreshResult.describe(lastResult));
                }
                // Woken by node events and refreshes; the bound re-checks in case a strategy lists nodes itself.
                membership.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** Refreshes once: discover, connect, prune (unless {@code prune} is false: a one-off refresh). */
    RefreshResult refresh(boolean prune) {
        Discovery discovery;
        try {
            discovery = discover();
        } catch (Exception e) {
            warnOnce("Cluster " + cluster + ": strategy " + strategyName + " failed, keeping every connection: " + e);
            return new RefreshResult.StrategyFailure(peers(), e);
        }
        NodeName self = node.name();
        Map<NodeName, NodeAddress> wanted = new LinkedHashMap<>();
        for (NodeAddress address : discovery.nodes()) {
            if (!address.name().equals(self)) {
                wanted.putIfAbsent(address.name(), address);
            }
        }
        Set<NodeName> connected = new TreeSet<>();
        Map<NodeAddress, RuntimeException> connectFailures = new LinkedHashMap<>();
        connectAll(wanted, connected, connectFailures);
        Set<NodeName> now = peers();
        Set<NodeName> pruned = new TreeSet<>();
        Map<NodeName, RuntimeException> disconnectFailures = new LinkedHashMap<>();
        if (prune) {
            prune(wanted.keySet(), now, discovery.complete(), pruned, disconnectFailures);
        }
        Set<NodeName> after = pruned.isEmpty() ? now : peers();
        if (!connected.isEmpty() || !pruned.isEmpty()) {
            LOG.log(Level.INFO, "Cluster " + cluster + ": connected " + connected + ", pruned " + pruned + "; "
                    + after.size() + " nodes");
        }
        if (discovery.complete() && connectFailures.isEmpty() && disconnectFailures.isEmpty()) {
            lastWarning = null;
            return new RefreshResult.Success(after, connected, pruned, discovery.skipped());
        }
        RefreshResult partial = new RefreshResult.PartialFailure(after, connected, pruned, discovery.skipped(),
                discovery.failures(), connectFailures, disconnectFailures);
        warnOnce("Cluster " + cluster + ": refresh with failures: " + RefreshResult.describe(partial));
        return partial;
    }

    private void connectAll(Map<NodeName, NodeAddress> wanted, Set<NodeName> connected,
            Map<NodeAddress, RuntimeException> failures) {
        Set<NodeName> before = peers();
        Map<NodeAddress, Future<NodeName>> dials = new LinkedHashMap<>();
        long now = System.nanoTime();
        backoff.retainOnly(wanted.values());
        for (NodeAddress address : wanted.values()) {
            if (!before.contains(address.name())) {
                String heldBack = backoff.holdBack(address, now);
                if (heldBack != null) {
                    failures.put(address, new KindlingException(heldBack));
                    continue;
                }
                dials.put(address, work.submit(() -> strategy.connect(node, address, connectTimeout)));
            }
        }
        long deadline = System.nanoTime() + connectTimeout.toNanos() + CONNECT_SLACK_NANOS;
        dials.forEach((address, dial) -> {
            try {
                connected.add(dial.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                backoff.succeeded(address);
            } catch (ExecutionException e) {
                failures.put(address, e.getCause() instanceof RuntimeException r ? r
                        : new KindlingException("Connect to " + address + " failed: " + e.getCause(), e.getCause()));
            } catch (TimeoutException e) {
                dial.cancel(true);
                failures.put(address, new KindlingException("Connect to " + address + " did not return "
                        + "within " + connectTimeout.toMillis() + " ms"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dial.cancel(true);
                failures.put(address, new KindlingException("Connect to " + address + " interrupted"));
            }
            if (!connected.contains(address.name())) {
                backoff.failed(address, System.nanoTime());
            }
        });
    }

    private void prune(Set<NodeName> discovered, Set<NodeName> connectedNow, boolean complete, Set<NodeName> pruned,
            Map<NodeName, RuntimeException> failures) {
        for (NodeName name : discovered) {
            if (connectedNow.contains(name)) {
                managed.put(name, 0);
            }
        }
        if (!complete) {
            return; // the nodes the failed sources would have named are unknown
        }
        for (NodeName name : new ArrayList<>(managed.keySet())) {
            if (discovered.contains(name)) {
                continue;
            }
            if (!connectedNow.contains(name)) {
                managed.remove(name);
                continue;
            }
            int misses = managed.merge(name, 1, Integer::sum);
            if (prunePolicy.prune(misses)) {
                managed.remove(name);
                try {
                    strategy.disconnect(node, name);
                    pruned.add(name);
                } catch (RuntimeException e) {
                    failures.put(name, e);
                }
            }
        }
    }

    private Discovery discover() throws Exception {
        if (!discovering.compareAndSet(false, true)) {
            throw new IllegalStateException("Strategy " + strategyName + " is still running an earlier discover() "
                    + "that overran the discovery timeout and ignored the interrupt");
        }
        // Who settles the call: the task when it starts, or the timeout when the task has not started by then (an
        // overloaded machine). A cancelled task that never ran cannot clear the flag: the timeout clears it, or
        // no discovery would ever run again.
        AtomicBoolean claimed = new AtomicBoolean();
        Future<Discovery> call;
        try {
            call = work.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // timed out before it started; the timeout cleared the flag
                }
                try {
                    return strategy.discover();
                } finally {
                    discovering.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            discovering.set(false);
            throw new IllegalStateException("Cluster " + cluster + " is shut down", e);
        }
        try {
            Discovery discovery = call.get(discoveryTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (discovery == null) {
                throw new IllegalStateException("Strategy " + strategyName + " returned null from discover(); it "
                        + "must return a Discovery or throw");
            }
            return discovery;
        } catch (TimeoutException e) {
            boolean started = !claimed.compareAndSet(false, true);
            if (!started) {
                discovering.set(false);
            }
            call.cancel(true);
            throw new TimeoutException("Strategy " + strategyName + (started ? " did not answer within "
                    : " did not even start (the machine is overloaded) within ") + discoveryTimeout.toMillis()
                    + " ms (kindling.cluster.discovery-timeout)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Logs a failure at WARNING the first time, and at DEBUG while it repeats unchanged. */
    private void warnOnce(String message) {
        LOG.log(message.equals(lastWarning) ? Level.DEBUG : Level.WARNING, message);
        lastWarning = message;
    }
}
