package io.kindling.core.cluster;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.Subscription;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.api.spi.DiscoveryStrategyProvider;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.PluginLookup;
import io.kindling.core.internal.cluster.RefreshLoop;
import io.kindling.core.internal.cluster.Refresher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Keeps a node connected to the nodes a {@link DiscoveryStrategy} finds: Barnacle and libcluster for Kindling.
 *
 * <pre>{@code
 * Cluster cluster = Cluster.builder(node)
 *         .strategy("local-epmd")                 // or .strategy(DiscoveryStrategy.fixed(addresses))
 *         .pollInterval(Duration.ofSeconds(5))
 *         .listener(event -> log.info(event.toString()))
 *         .start();
 * cluster.awaitPeers(2, Duration.ofSeconds(30)); // wait for the initial join before serving
 * }</pre>
 *
 * <h2>Refresh</h2>
 * Each refresh asks the strategy (bounded by the discovery timeout, default 10 s), connects in parallel to every
 * discovered node that is not connected (each bounded by the connect timeout, default 5 s), then prunes under the
 * {@link PrunePolicy} (default {@linkplain PrunePolicy#never() never}). A node that dropped and came back is
 * reconnected by the next refresh of either side. <strong>A discovery error is not an empty answer</strong>: when
 * the strategy throws or overruns, nothing is connected or disconnected and the result says why; when only some of
 * its sources failed, the nodes found are connected and nothing is pruned.
 *
 * <p>The cluster <em>manages</em> a node once a refresh found it discovered and connected, whichever side dialed.
 * Only managed nodes are pruned; a node connected by other means and never discovered is never disconnected.
 *
 * <h2>Timing</h2>
 * The first refresh runs at {@link Builder#start()}; then one every poll interval (default 5 s), and at once when
 * the strategy reports a change. {@link #refresh()} runs one now and restarts the interval.
 *
 * <h2>Events</h2>
 * Listeners receive {@link ClusterEvent}s in order on the cluster's event thread: each refresh's result, pause,
 * resume, shutdown, and the node's node-up and node-down events. A listener that throws is logged and keeps
 * receiving events.
 *
 * <h2>Lifetime</h2>
 * {@link #shutdown()} (or {@link #close()}) stops polling and closes the strategy (a port mapper registration, a
 * JGroups channel); connections stay. Closing the node shuts its clusters down first.
 *
 * <h2>Configuration</h2>
 * Unset builder options come from the node's configuration: {@code kindling.cluster.strategy},
 * {@code .name} ({@code default}), {@code .poll-interval} ({@code 5s}), {@code .prune} ({@code never},
 * {@code immediately}, {@code after:N}), {@code .discovery-timeout} ({@code 10s}), {@code .connect-timeout}
 * ({@code 5s}); a named strategy reads {@code kindling.strategy.<name>.*}.
 */
public final class Cluster implements AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of(Cluster.class.getName());

    private final Node node;
    private final DiscoveryStrategy strategy;
    private final String strategyName;
    private final String name;
    private final Duration pollInterval;
    private final Duration connectTimeout;
    private final Duration discoveryTimeout;
    private final PrunePolicy prunePolicy;
    private final Listeners<ClusterEvent> listeners;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final Refresher refresher;
    private final RefreshLoop loop;
    private Subscription monitor;
    private Subscription closeHook;

    private Cluster(Builder builder, DiscoveryStrategy strategy, String strategyName, Config config) {
        this.node = builder.node;
        this.strategy = strategy;
        this.strategyName = strategyName;
        this.name = builder.name != null ? builder.name : config.getString("kindling.cluster.name", "default");
        this.pollInterval = Durations.positiveSetting(config, "kindling.cluster.poll-interval", builder.pollInterval,
                Duration.ofSeconds(5));
        this.connectTimeout = Durations.positiveSetting(config, "kindling.cluster.connect-timeout",
                builder.connectTimeout, Duration.ofSeconds(5));
        this.discoveryTimeout = Durations.positiveSetting(config, "kindling.cluster.discovery-timeout",
                builder.discoveryTimeout, Duration.ofSeconds(10));
        this.prunePolicy = builder.prunePolicy != null ? builder.prunePolicy
                : PrunePolicy.parse(config.fullKey("kindling.cluster.prune"),
                        config.getString("kindling.cluster.prune", "never"));
        this.listeners = new Listeners<>("kindling-cluster-events-" + name, "cluster " + name);
        this.listeners.addAll(builder.listeners);
        this.refresher = new Refresher(name, node, strategy, strategyName, connectTimeout, discoveryTimeout,
                prunePolicy, work);
        this.loop = new RefreshLoop(name, pollInterval, refresher, listeners);
    }

    /**
     * A builder for a cluster of the given node.
     *
     * @param node the local node; its configuration supplies unset options, its class loader finds the strategy
     * @return the builder
     */
    public static Builder builder(Node node) {
        return new Builder(node);
    }

    /**
     * One refresh with no poller, like Barnacle's {@code run_once}: starts the strategy, discovers, connects, and
     * closes the strategy. Nothing is pruned (a one-off refresh manages no nodes). Timeouts come from the node's
     * configuration.
     *
     * @param node the local node
     * @param strategy the strategy
     * @return what the refresh did
     * @throws KindlingException if the strategy could not start
     */
    public static RefreshResult runOnce(Node node, DiscoveryStrategy strategy) {
        return builder(node).strategy(strategy).runOnce();
    }

    /** {@return the cluster's name} */
    public String name() {
        return name;
    }

    /** {@return the node this cluster connects} */
    public Node node() {
        return node;
    }

    /** {@return the last refresh's result; empty before the first refresh finished} */
    public Optional<RefreshResult> lastResult() {
        return Optional.ofNullable(refresher.lastResult());
    }

    /** {@return the nodes connected now, this node excluded, as the strategy lists them} */
    public Set<NodeName> peers() {
        return refresher.peers();
    }

    /** {@return whether polling is paused} */
    public boolean isPaused() {
        return loop.isPaused();
    }

    /** {@return whether the cluster was shut down} */
    public boolean isShutDown() {
        return loop.isShutDown();
    }

    /**
     * Adds a listener.
     *
     * @param listener receives every later event
     * @return a handle that removes it
     */
    public Subscription addListener(Consumer<? super ClusterEvent> listener) {
        return listeners.add(listener);
    }

    /**
     * Refreshes now and waits for the result; restarts the poll interval unless paused. Runs after a refresh that
     * is already under way.
     *
     * @return what the refresh did
     * @throws IllegalStateException if the cluster is shut down
     * @throws KindlingException if interrupted, or if the refresh did not end within twice the discovery and
     *     connect timeouts (a strategy stuck in a connect hook)
     */
    public RefreshResult refresh() {
        return loop.refreshNow(discoveryTimeout.plus(connectTimeout).multipliedBy(2).plusSeconds(5), strategyName);
    }

    /** Stops polling until {@link #resume()}; {@link #refresh()} still works. Does nothing when paused. */
    public void pause() {
        if (loop.pause()) {
            listeners.emit(new ClusterEvent.Paused(name));
        }
    }

    /** Refreshes at once and polls again. Does nothing unless paused. */
    public void resume() {
        loop.resume(() -> listeners.emit(new ClusterEvent.Resumed(name)));
    }

    /**
     * Waits until at least {@code count} other nodes are connected: an application's "join before serving".
     *
     * @param count how many nodes other than this one
     * @param timeout how long to wait
     * @return the nodes connected when the count was reached
     * @throws TimeoutException if it was not reached in time; the message has the last refresh result
     * @throws InterruptedException if interrupted while waiting
     */
    public Set<NodeName> awaitPeers(int count, Duration timeout) throws TimeoutException, InterruptedException {
        return refresher.awaitPeers(count, Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Stops polling, closes the strategy and sends {@link ClusterEvent.ShutDown}. Connections stay. A refresh under
     * way is interrupted and waited for (up to the discovery and connect timeouts, for a strategy that ignores the
     * interrupt). Calling it again does nothing.
     */
    public void shutdown() {
        if (!loop.beginShutdown()) {
            return;
        }
        if (monitor != null) {
            monitor.close();
        }
        if (closeHook != null) {
            closeHook.close();
        }
        work.shutdownNow(); // interrupts a discovery or dials under way, so the refresh ends promptly
        loop.awaitStop(discoveryTimeout.plus(connectTimeout).plusSeconds(1));
        try {
            strategy.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Strategy " + strategyName + " of cluster " + name + " failed to close", e);
        }
        listeners.emit(new ClusterEvent.ShutDown(name));
        listeners.shutdown();
        LOG.log(Level.INFO, "Cluster " + name + " shut down");
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    @Override
    public String toString() {
        return "Cluster[" + name + ", strategy " + strategyName + ", node " + node.name() + "]";
    }

    // ---- internals ----

    private void start() {
        // Listen before the strategy starts: joining a group can take seconds, and peers dial in meanwhile.
        monitor = node.monitor(event -> {
            switch (event) {
                case NodeEvent.NodeUp up -> listeners.emit(new ClusterEvent.NodeUp(name, up.node(),
                        up.attributes()));
                case NodeEvent.NodeDown down -> listeners.emit(new ClusterEvent.NodeDown(name, down.node(),
                        down.reason()));
            }
            refresher.membershipChanged();
        });
        strategy.onChange(loop::requestRefresh);
        try {
            strategy.start(node);
        } catch (Exception e) {
            monitor.close();
            loop.stopNow();
            listeners.shutdown();
            work.shutdownNow();
            throw new KindlingException("Cluster " + name + ": strategy " + strategyName + " could not start: "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
        closeHook = node.onClose(this::shutdown);
        LOG.log(Level.INFO, "Cluster " + name + " started on " + node.name() + " with strategy " + strategyName
                + ", polling every " + pollInterval.toMillis() + " ms, prune " + prunePolicy);
        loop.start();
    }

    private RefreshResult runOnceAndClose() {
        try {
            strategy.start(node);
        } catch (Exception e) {
            work.shutdownNow();
            throw new KindlingException("Strategy " + strategyName + " could not start: " + e.getMessage(), e);
        } finally {
            loop.stopNow();
            listeners.shutdown();
        }
        try {
            return refresher.refreshSafely(false, () -> false);
        } finally {
            try {
                strategy.close();
            } finally {
                work.shutdownNow();
            }
        }
    }

    /** Options of a {@link Cluster}; unset ones come from the node's configuration. */
    public static final class Builder {
        private final Node node;
        private final List<Consumer<? super ClusterEvent>> listeners = new ArrayList<>();
        private Config config;
        private DiscoveryStrategy strategy;
        private String strategyName;
        private String name;
        private Duration pollInterval;
        private Duration connectTimeout;
        private Duration discoveryTimeout;
        private PrunePolicy prunePolicy;

        private Builder(Node node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /**
         * The configuration to read unset options and named strategies' settings from. Default: the node's
         * ({@link Node#config()}).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(Config config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The strategy, as an instance. It belongs to the cluster from now on: the cluster starts and closes it.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder strategy(DiscoveryStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            this.strategyName = strategy.getClass().getSimpleName().isEmpty() || strategy.getClass().isSynthetic()
                    || strategy.getClass().isHidden() ? "(custom)" : strategy.getClass().getSimpleName();
            return this;
        }

        /**
         * The strategy, by provider name: {@code static}, {@code epmd}, {@code local-epmd}, {@code dns},
         * {@code jgroups}, or a plugin's. Its settings are read from {@code kindling.strategy.<name>.*}.
         *
         * @param providerName the name
         * @return this builder
         */
        public Builder strategy(String providerName) {
            Objects.requireNonNull(providerName, "providerName");
            this.strategy = null;
            this.strategyName = providerName.trim();
            return this;
        }

        /**
         * The cluster's name, for logs and events. Default {@code kindling.cluster.name}, else {@code default}.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How often to refresh. Default {@code kindling.cluster.poll-interval}, else 5 s.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * The bound on one connect to a discovered node. Default {@code kindling.cluster.connect-timeout}, else
         * 5 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The bound on one discovery. Default {@code kindling.cluster.discovery-timeout}, else 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder discoveryTimeout(Duration timeout) {
            this.discoveryTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Which managed nodes to disconnect when discovery stops naming them. Default {@code kindling.cluster.prune},
         * else {@link PrunePolicy#never()}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder prune(PrunePolicy policy) {
            this.prunePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Adds a listener that receives every event from the first refresh on.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(Consumer<? super ClusterEvent> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Starts the strategy and the cluster; the first refresh begins at once, in the background.
         *
         * @return the running cluster
         * @throws ConfigException if no strategy is given or configured, or an option is invalid
         * @throws io.kindling.api.PluginNotFoundException if no strategy has the given name
         * @throws KindlingException if the strategy could not start (the message says why)
         */
        public Cluster start() {
            Cluster cluster = build();
            cluster.start();
            return cluster;
        }

        /**
         * One refresh with no poller: see {@link Cluster#runOnce(Node, DiscoveryStrategy)}.
         *
         * @return what the refresh did
         */
        public RefreshResult runOnce() {
            return build().runOnceAndClose();
        }

        private Cluster build() {
            Config settings = config != null ? config : node.config();
            DiscoveryStrategy chosen = strategy;
            String chosenName = strategyName;
            if (chosen == null) {
                if (chosenName == null || chosenName.isEmpty()) {
                    chosenName = settings.getString("kindling.cluster.strategy", "");
                }
                if (chosenName.isEmpty()) {
                    throw new ConfigException("kindling.cluster.strategy", "A cluster needs a discovery strategy: "
                            + "call strategy(...) on the builder or set kindling.cluster.strategy (static, epmd, "
                            + "local-epmd, dns, jgroups, or a plugin's name)");
                }
                chosen = PluginLookup.create(DiscoveryStrategyProvider.class, chosenName, settings,
                        node.classLoader());
            }
            return new Cluster(this, chosen, chosenName, settings);
        }
    }
}
