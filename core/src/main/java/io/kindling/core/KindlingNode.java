package io.kindling.core;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.Subscription;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.api.metrics.PoolMetrics;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.core.internal.AddressFile;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.NodeStartup;
import io.kindling.core.internal.Threads;
import io.kindling.core.internal.pool.PoolRegistry;
import io.kindling.core.internal.wire.Connections;
import io.kindling.core.internal.wire.Cookies;
import io.kindling.core.internal.wire.PeerConnection;
import io.kindling.core.internal.wire.WireSettings;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.Pools;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Kindling's node: listens on a TCP port, authenticates peers with the cookie, and runs their tasks on virtual
 * threads. Create one with {@link #builder()}:
 *
 * <pre>{@code
 * try (Node node = KindlingNode.builder().name("app@127.0.0.1").cookie("secret").start()) {
 *     NodeName peer = node.connect(NodeAddress.parse("other@127.0.0.1:4370"));
 *     int cores = node.call(peer, () -> Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Settings come from {@link KindlingConfig} (defaults, files, environment, system properties), with the
 * builder's values on top. The node's behaviour is that of {@link Node}; in addition, a task can find the node it
 * runs on with {@link #current()}. A call or cast to the node's own name runs here, unserialized, with the same
 * errors as a remote call.
 */
public final class KindlingNode implements Node {

    private static final System.Logger LOG = LazyLogger.of(KindlingNode.class.getName());

    private final NodeName name;
    /** When the node was built, for its uptime ({@link SystemTasks#info()}). */
    final long startedNanos = System.nanoTime();
    private final Config config;
    private final NodeStartup.Plugins plugins;
    private final NodeRuntime runtime;
    private final Connections connections;
    private final Duration connectTimeout;
    private final ScheduledExecutorService scheduler;
    private final Listeners<NodeEvent> events;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    private NodeAddress address;

    private KindlingNode(Builder builder, KindlingConfig config) {
        this.config = config;
        this.name = NodeName.parse(config.require("kindling.node.name"));
        ClassLoader loader = builder.classLoader != null ? builder.classLoader : NodeStartup.defaultClassLoader();
        byte[] cookie = Cookies.resolve(config);
        WireSettings wire = WireSettings.from(config);
        this.connectTimeout = wire.connectTimeout();
        this.plugins = NodeStartup.load(config, loader, builder.extensions, builder.attributes);
        this.scheduler = Threads.timer("kindling-timer-" + name.name());
        this.events = new Listeners<>("kindling-events-" + name.name(), "node " + name);
        this.runtime = new NodeRuntime(this, plugins.codec(), loader, plugins.maxFrameSize(), scheduler);
        this.connections = new Connections(runtime, plugins.transport(), cookie, plugins.attributes(), wire, events);
    }

    /** {@return a builder for a node} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The node that runs the current remote task, like Erlang's {@code node()} inside an RPC.
     *
     * @return the node, or empty when the current thread is not running a task sent by a peer
     */
    public static Optional<Node> current() {
        return NodeRuntime.current();
    }

    private KindlingNode start() {
        String host = config.getString("kindling.node.host", "");
        if (host.isBlank()) {
            host = name.host();
        }
        int port = config.getInt("kindling.node.port", 0);
        if (port < 0 || port > 65535) {
            shutdownExecutors();
            throw new ConfigException("kindling.node.port", "Setting " + config.fullKey("kindling.node.port")
                    + " = " + port + " is not a port (0 to 65535; 0 picks a free one)");
        }
        try {
            address = connections.listen(host, port);
        } catch (IOException e) {
            shutdownExecutors();
            throw new KindlingException("Node " + name + " cannot listen on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        List<NodeExtension> started = new ArrayList<>();
        for (NodeExtension extension : plugins.extensions()) {
            try {
                extension.start(this);
                started.add(extension);
            } catch (Exception e) {
                Collections.reverse(started);
                started.forEach(NodeExtension::close);
                close();
                throw new KindlingException("Node " + name + " could not start extension "
                        + extension.getClass().getName() + ": " + e, e);
            }
        }
        try {
            for (Pool pool : Pools.startConfigured(this)) {
                closeHooks.add(pool::shutdown);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        writeAddressFile();
        // A runner's start is its pool's to report ("runner … up in … ms"). Its own line would be the runner JVM's
        // first use of logging, whose set-up (finding the logger, then formatting: about 35 ms there) would delay
        // its first call.
        if (plugins.attributes().get(RunnerProtocol.POOL_ATTRIBUTE).isEmpty()) {
            LOG.log(Level.INFO, "Node " + name + " listening on " + address.host() + ":" + address.port());
        }
        return this;
    }

    /** {@code kindling.node.address-file}, when set: see {@link AddressFile}. */
    private void writeAddressFile() {
        String file = config.getString("kindling.node.address-file", "");
        if (file.isBlank()) {
            return;
        }
        try {
            closeHooks.add(AddressFile.publish(java.nio.file.Path.of(file.trim()), address, scheduler)::close);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Node " + name + " could not write its address to " + file.trim()
                    + " (kindling.node.address-file): " + e.getMessage());
        }
    }

    @Override
    public NodeName name() {
        return name;
    }

    @Override
    public NodeAddress address() {
        return address;
    }

    @Override
    public NodeAttributes attributes() {
        return plugins.attributes();
    }

    @Override
    public Optional<NodeAttributes> attributesOf(NodeName node) {
        return Optional.ofNullable(connections.active(node)).map(PeerConnection::peerAttributes);
    }

    @Override
    public <T> T call(NodeName node, RemoteCallable<T> task, Duration timeout) {
        return Futures.awaitTimed(callAsync(node, task, timeout), timeout, "Call to " + node,
                () -> new RpcTimeoutException(node, timeout, "Call"));
    }

    @Override
    public <T> CompletableFuture<T> callAsync(NodeName node, RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(task, "task");
        Durations.requirePositive(timeout, "timeout");
        if (node.equals(name)) {
            checkOpen();
            return runtime.callHere(task, timeout, blocking);
        }
        PeerConnection connection = connections.active(node);
        if (connection != null) {
            return connection.call(task, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return connections.reconnect(node, timeout).thenCompose(c -> {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return CompletableFuture.failedFuture(new RpcTimeoutException(node, timeout, "Call"));
            }
            return c.call(task, Duration.ofNanos(left));
        });
    }

    @Override
    public CompletableFuture<Void> cast(NodeName node, RemoteRunnable task) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(task, "task");
        if (node.equals(name)) {
            checkOpen();
            runtime.castHere(task, blocking);
            return CompletableFuture.completedFuture(null);
        }
        PeerConnection connection = connections.active(node);
        if (connection != null) {
            try {
                connection.cast(task);
                return CompletableFuture.completedFuture(null);
            } catch (KindlingException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return connections.reconnect(node, connectTimeout).thenAccept(c -> c.cast(task));
    }

    @Override
    public Duration ping(NodeName node, Duration timeout) {
        Durations.requirePositive(timeout, "timeout");
        PeerConnection connection = connections.active(node);
        CompletableFuture<Duration> result = connection != null ? connection.ping(timeout)
                : connections.reconnect(node, timeout).thenCompose(c -> c.ping(timeout));
        return Futures.awaitTimed(result, timeout, "Ping to " + node, () -> new RpcTimeoutException(node, timeout,
                "Ping"));
    }

    @Override
    public Set<NodeName> connectedNodes() {
        return connections.connectedNodes();
    }

    @Override
    public NodeName connect(NodeAddress address) {
        return connect(address, connectTimeout);
    }

    @Override
    public NodeName connect(NodeAddress address, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Durations.requirePositive(timeout, "timeout");
        checkOpen();
        if (address.name().equals(name)) {
            throw new KindlingException("Node " + name + " cannot connect to itself");
        }
        connections.connect(address, timeout);
        return address.name();
    }

    @Override
    public boolean disconnect(NodeName node) {
        PeerConnection connection = connections.active(node);
        if (connection == null) {
            return false;
        }
        connection.closeOnPurpose("disconnected by " + name);
        return true;
    }

    @Override
    public Subscription monitor(Consumer<? super NodeEvent> listener) {
        return events.add(listener);
    }

    @Override
    public Config config() {
        return config;
    }

    /**
     * This node's metrics now: calls made and served by outcome, the round trips of its calls, bytes, connections,
     * tasks running, per peer and per pool. Counting is always on and costs a few lock-free increments per call; a
     * snapshot is cheap enough to take every second.
     *
     * @return the snapshot
     */
    public NodeMetrics metrics() {
        List<PoolMetrics> pools = PoolRegistry.of(this).stream().map(Pool::metrics).toList();
        return runtime.meters().snapshot(name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
                runtime.tasksRunning(), pools);
    }

    @Override
    public ClassLoader classLoader() {
        return runtime.classLoader();
    }

    @Override
    public Subscription onClose(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        closeHooks.add(hook);
        if (closed.get() && closeHooks.remove(hook)) {
            hook.run();
        }
        return () -> closeHooks.remove(hook);
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * How long no task has run here: tasks from peers, and calls and casts to this node's own name. Zero while one
     * runs; the time since the start when none ever ran. A pool's runner uses it to stop itself when idle.
     *
     * @return the idle time
     */
    public Duration idleTime() {
        return runtime.idleTime();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "Node " + name + " closing");
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A close hook of node " + name + " failed", e);
            }
        }
        connections.close();
        List<NodeExtension> reversed = new ArrayList<>(plugins.extensions());
        Collections.reverse(reversed);
        for (NodeExtension extension : reversed) {
            try {
                extension.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Extension " + extension.getClass().getName() + " failed to close", e);
            }
        }
        plugins.transport().close();
        shutdownExecutors();
    }

    private void shutdownExecutors() {
        scheduler.shutdownNow();
        events.shutdown();
        blocking.shutdownNow();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new KindlingException("Node " + name + " is closed");
        }
    }

    /** For tests: no dial or incoming handshake with the node is in flight. */
    boolean settled(NodeName node) {
        return connections.settled(node);
    }

    /** For diagnostics: every open connection, active or retired. */
    String describeConnections() {
        return connections.describe();
    }

    @Override
    public String toString() {
        return "KindlingNode[" + (address != null ? address : name) + "]";
    }

    /**
     * Builds and starts a {@link KindlingNode}. Every setter writes the configuration key it names; values set
     * here override every other configuration layer.
     */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final List<NodeExtension> extensions = new ArrayList<>();
        private KindlingConfig base;
        private ClassLoader classLoader;

        private Builder() {
        }

        /**
         * The configuration to start from; default {@link KindlingConfig#load()}.
         *
         * @param config the base configuration
         * @return this builder
         */
        public Builder config(KindlingConfig config) {
            this.base = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * This node's name ({@code kindling.node.name}); required.
         *
         * @param name {@code name@host}
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid
         */
        public Builder name(String name) {
            return name(NodeName.parse(name));
        }

        /**
         * This node's name ({@code kindling.node.name}); required.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(NodeName name) {
            return set("kindling.node.name", name.toString());
        }

        /**
         * The address to listen on ({@code kindling.node.host}); default: the host part of the name.
         *
         * @param host a host name or IP address
         * @return this builder
         */
        public Builder host(String host) {
            return set("kindling.node.host", host);
        }

        /**
         * The port to listen on ({@code kindling.node.port}); default 0, any free port.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            return set("kindling.node.port", Integer.toString(port));
        }

        /**
         * The cluster cookie ({@code kindling.cookie}); default: {@code KINDLING_COOKIE} or the cookie file.
         *
         * @param cookie the shared secret
         * @return this builder
         */
        public Builder cookie(String cookie) {
            return set("kindling.cookie", cookie);
        }

        /**
         * Heartbeats ({@code kindling.heartbeat.interval}, {@code kindling.heartbeat.timeout}); default 1 s and
         * 5 s. A peer silent for the timeout is declared down.
         *
         * @param interval how often an idle connection sends a heartbeat
         * @param timeout how long a peer may stay silent; longer than the interval
         * @return this builder
         */
        public Builder heartbeat(Duration interval, Duration timeout) {
            set("kindling.heartbeat.interval", interval.toMillis() + "ms");
            return set("kindling.heartbeat.timeout", timeout.toMillis() + "ms");
        }

        /**
         * Adds an attribute shown to peers.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds an extension instance, started after those named in {@code kindling.extensions}.
         *
         * @param extension the extension
         * @return this builder
         */
        public Builder extension(NodeExtension extension) {
            extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /**
         * The class loader for plugins and for the classes of decoded tasks; default: the thread's context
         * class loader.
         *
         * @param classLoader the loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * Sets any configuration key.
         *
         * @param key the key, e.g. {@code kindling.frame.max-size}
         * @param value its value
         * @return this builder
         */
        public Builder set(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, () -> "value of " + key));
            return this;
        }

        /**
         * Starts the node: reads the configuration, finds the cookie, loads the transport, codec and extensions,
         * listens, and starts the extensions.
         *
         * @return the running node
         * @throws ConfigException if a setting is missing or invalid (the message names it)
         * @throws io.kindling.api.PluginNotFoundException if a named plugin is not on the path
         * @throws KindlingException if the node cannot listen, or an extension fails to start
         */
        public KindlingNode start() {
            KindlingConfig config = (base != null ? base : KindlingConfig.load()).with(settings);
            return new KindlingNode(this, config).start();
        }
    }
}
