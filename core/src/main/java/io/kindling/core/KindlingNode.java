package io.kindling.core;

import io.kindling.api.AuthenticationException;
import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.HandshakeException;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.NodeUnreachableException;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.Subscription;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.NodeExtensionProvider;
import io.kindling.api.spi.Transport;
import io.kindling.api.spi.TransportProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * runs on with {@link #current()}.
 */
public final class KindlingNode implements Node {

    private static final System.Logger LOG = System.getLogger(KindlingNode.class.getName());
    private static final ThreadLocal<KindlingNode> CURRENT = new ThreadLocal<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeName name;
    private final NodeAttributes attributes;
    private final Config config;
    private final byte[] cookie;
    private final long incarnation = RANDOM.nextLong();
    final Codec codec;
    final ClassLoader classLoader;
    final long maxFrameSize;
    final ScheduledExecutorService scheduler;
    private final Transport transport;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final List<NodeExtension> extensions;
    private final ExecutorService events;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Consumer<? super NodeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<NodeName, PeerSlot> slots = new ConcurrentHashMap<>();
    private final Map<NodeName, NodeAddress> knownAddresses = new ConcurrentHashMap<>();
    private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger tasksRunning = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastTaskEnded = System.nanoTime();
    private Transport.Listener listener;
    private NodeAddress address;

    private KindlingNode(Builder builder, KindlingConfig config) {
        this.config = config;
        this.name = NodeName.parse(config.require("kindling.node.name"));
        this.classLoader = builder.classLoader != null ? builder.classLoader : defaultClassLoader();
        this.cookie = Cookies.resolve(config);
        this.connectTimeout = positive(config, "kindling.connect.timeout", Duration.ofSeconds(5));
        this.handshakeTimeout = positive(config, "kindling.handshake.timeout", Duration.ofSeconds(5));
        this.heartbeatInterval = positive(config, "kindling.heartbeat.interval", Duration.ofSeconds(1));
        this.heartbeatTimeout = positive(config, "kindling.heartbeat.timeout", Duration.ofSeconds(5));
        if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new ConfigException("kindling.heartbeat.timeout", "Setting "
                    + config.fullKey("kindling.heartbeat.timeout") + " = " + heartbeatTimeout.toMillis()
                    + "ms must be longer than kindling.heartbeat.interval = " + heartbeatInterval.toMillis() + "ms");
        }
        this.maxFrameSize = config.getBytes("kindling.frame.max-size", 64L << 20);
        if (maxFrameSize < 1024 || maxFrameSize > Integer.MAX_VALUE - 8) {
            throw new ConfigException("kindling.frame.max-size", "Setting "
                    + config.fullKey("kindling.frame.max-size") + " = " + maxFrameSize
                    + " must be between 1024 and " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        KindlingConfig codecConfig = config.get("kindling.codec.java.max-bytes").filter(v -> !v.isBlank())
                .isPresent() ? config : config.with(Map.of("kindling.codec.java.max-bytes",
                        Long.toString(maxFrameSize)));
        this.transport = Plugins.create(TransportProvider.class, config.getString("kindling.transport", "tcp"),
                config, classLoader);
        this.codec = Plugins.create(CodecProvider.class, config.getString("kindling.codec", "java"), codecConfig,
                classLoader);
        List<NodeExtension> all = new ArrayList<>();
        List<String> named = config.getList("kindling.extensions");
        List<String> disabled = config.getList("kindling.extensions.disabled");
        for (String extension : named) {
            all.add(Plugins.create(NodeExtensionProvider.class, extension, config, classLoader));
        }
        Plugins.providers(NodeExtensionProvider.class, classLoader).forEach((extensionName, provider) -> {
            if (provider.startsByDefault() && !named.contains(extensionName) && !disabled.contains(extensionName)) {
                all.add(provider.create(config.scoped("kindling.extension." + extensionName)));
            }
        });
        all.addAll(builder.extensions);
        this.extensions = List.copyOf(all);
        Map<String, String> attributeValues = new LinkedHashMap<>(builder.attributes);
        for (NodeExtension extension : extensions) {
            attributeValues.putAll(extension.attributes());
        }
        this.attributes = NodeAttributes.of(attributeValues);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("kindling-timer-" + name.name()).factory());
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        this.events = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("kindling-events-" + name.name())
                .factory());
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
        return Optional.ofNullable(CURRENT.get());
    }

    static <T> T runAsCurrent(KindlingNode node, RemoteCallable<T> task) throws Exception {
        CURRENT.set(node);
        node.tasksRunning.incrementAndGet();
        try {
            return task.call();
        } finally {
            node.lastTaskEnded = System.nanoTime();
            node.tasksRunning.decrementAndGet();
            CURRENT.remove();
        }
    }

    /** How long no task has run here: 0 while one runs; since the start when none ever ran. For runners. */
    long idleNanos() {
        return tasksRunning.get() > 0 ? 0 : System.nanoTime() - lastTaskEnded;
    }

    private KindlingNode start() {
        String host = config.getString("kindling.node.host", "");
        if (host.isBlank()) {
            host = name.host();
        }
        int port = config.getInt("kindling.node.port", 0);
        if (port < 0 || port > 65535) {
            throw new ConfigException("kindling.node.port", "Setting " + config.fullKey("kindling.node.port")
                    + " = " + port + " is not a port (0 to 65535; 0 picks a free one)");
        }
        try {
            listener = transport.listen(new InetSocketAddress(host, port));
        } catch (IOException e) {
            shutdownExecutors();
            throw new KindlingException("Node " + name + " cannot listen on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        address = new NodeAddress(name, host, listener.localAddress().getPort());
        Thread.ofVirtual().name("kindling-accept-" + name.name()).start(this::acceptLoop);
        long tick = heartbeatInterval.toNanos();
        scheduler.scheduleAtFixedRate(this::heartbeat, tick, Math.max(tick / 2, 1), TimeUnit.NANOSECONDS);
        List<NodeExtension> started = new ArrayList<>();
        for (NodeExtension extension : extensions) {
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
        LOG.log(Level.INFO, "Node " + name + " listening on " + address.host() + ":" + address.port());
        return this;
    }

    // ---- Node ----

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
        return attributes;
    }

    @Override
    public Optional<NodeAttributes> attributesOf(NodeName node) {
        return Optional.ofNullable(active(node)).map(c -> c.peerAttributes);
    }

    @Override
    public <T> T call(NodeName node, RemoteCallable<T> task, Duration timeout) {
        return await(callAsync(node, task, timeout), node, timeout, "Call");
    }

    @Override
    public <T> CompletableFuture<T> callAsync(NodeName node, RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(task, "task");
        requirePositive(timeout);
        if (node.equals(name)) {
            return callLocally(task, timeout);
        }
        PeerConnection connection = active(node);
        if (connection != null) {
            return connection.call(task, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return reconnect(node, timeout).thenCompose(c -> {
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
            callLocally(() -> {
                task.run();
                return null;
            }, Duration.ofDays(365L * 100)).whenComplete((ignored, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, "A cast on " + name + " to itself failed", unwrap(e));
                }
            });
            return CompletableFuture.completedFuture(null);
        }
        PeerConnection connection = active(node);
        if (connection != null) {
            try {
                connection.cast(task);
                return CompletableFuture.completedFuture(null);
            } catch (KindlingException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return reconnect(node, connectTimeout).thenAccept(c -> c.cast(task));
    }

    @Override
    public Duration ping(NodeName node, Duration timeout) {
        requirePositive(timeout);
        PeerConnection connection = active(node);
        CompletableFuture<Duration> result = connection != null ? connection.ping(timeout)
                : reconnect(node, timeout).thenCompose(c -> c.ping(timeout));
        return await(result, node, timeout, "Ping");
    }

    @Override
    public Set<NodeName> connectedNodes() {
        Set<NodeName> names = new TreeSet<>();
        slots.forEach((peer, slot) -> {
            if (slot.active() != null) {
                names.add(peer);
            }
        });
        return Collections.unmodifiableSet(names);
    }

    @Override
    public NodeName connect(NodeAddress address) {
        return connect(address, connectTimeout);
    }

    @Override
    public NodeName connect(NodeAddress address, Duration timeout) {
        Objects.requireNonNull(address, "address");
        requirePositive(timeout);
        checkOpen();
        if (address.name().equals(name)) {
            throw new KindlingException("Node " + name + " cannot connect to itself");
        }
        return await(connectAsync(address, timeout), address.name(), timeout, "Connect").peer;
    }

    @Override
    public boolean disconnect(NodeName node) {
        PeerConnection connection = active(node);
        if (connection == null) {
            return false;
        }
        connection.close("disconnected by " + name);
        return true;
    }

    @Override
    public Subscription monitor(Consumer<? super NodeEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
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
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Closing the listener of " + name, e);
        }
        for (PeerConnection connection : List.copyOf(connections)) {
            connection.close("node " + name + " closed");
        }
        List<NodeExtension> reversed = new ArrayList<>(extensions);
        Collections.reverse(reversed);
        for (NodeExtension extension : reversed) {
            try {
                extension.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Extension " + extension.getClass().getName() + " failed to close", e);
            }
        }
        transport.close();
        shutdownExecutors();
    }

    /**
     * A call to this node's own name: the task runs here, on a virtual thread with {@link #current()} set, with the
     * same errors as a remote call (its exception wrapped in {@link RemoteExecutionException}, a timeout as
     * {@link RpcTimeoutException} with the task interrupted), and without being serialized.
     */
    private <T> CompletableFuture<T> callLocally(RemoteCallable<T> task, Duration timeout) {
        checkOpen();
        CompletableFuture<T> result = new CompletableFuture<>();
        java.util.concurrent.Future<?> running = blocking.submit(() -> {
            try {
                result.complete(runAsCurrent(this, task));
            } catch (Throwable e) {
                result.completeExceptionally(new RemoteExecutionException(name, e));
            }
        });
        var timer = scheduler.schedule(() -> {
            if (result.completeExceptionally(new RpcTimeoutException(name, timeout, "Call"))) {
                running.cancel(true);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((value, error) -> {
            timer.cancel(false);
            if (result.isCancelled()) {
                running.cancel(true);
            }
        });
        return result;
    }

    /**
     * Runs a hook first thing when the node closes (at once if it is closed already): a cluster stops polling
     * before the node's connections go.
     */
    void whenClosed(Runnable hook) {
        closeHooks.add(hook);
        if (closed.get() && closeHooks.remove(hook)) {
            hook.run();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * The node's configuration: every layer ({@link KindlingConfig}) with the builder's settings on top. Modules
     * built on a node (clusters, pools, region RPC) read their settings here.
     *
     * @return the configuration, read-only
     */
    public Config config() {
        return config;
    }

    /** The cookie, for the runners a pool boots. */
    String cookieText() {
        return new String(cookie, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The class loader plugins and tasks are resolved with. */
    ClassLoader classLoader() {
        return classLoader;
    }

    private void shutdownExecutors() {
        scheduler.shutdownNow();
        events.shutdown();
        blocking.shutdownNow();
    }

    @Override
    public String toString() {
        return "KindlingNode[" + (address != null ? address : name) + "]";
    }

    // ---- connections ----

    /** For tests: no dial or incoming handshake with the node is in flight. */
    boolean settled(NodeName node) {
        PeerSlot slot = slots.get(node);
        if (slot == null) {
            return true;
        }
        synchronized (slot) {
            return !slot.dialing && slot.incoming == 0 && slot.pending == null;
        }
    }

    /** For diagnostics: every open connection, active or retired. */
    String describeConnections() {
        StringBuilder text = new StringBuilder();
        for (PeerConnection connection : connections) {
            text.append(connection).append(connection.retired ? " retired" : "")
                    .append(active(connection.peer) == connection ? " active" : "").append('\n');
        }
        return text.toString();
    }

    PeerConnection active(NodeName node) {
        PeerSlot slot = slots.get(node);
        return slot == null ? null : slot.active();
    }

    private CompletableFuture<PeerConnection> reconnect(NodeName node, Duration timeout) {
        NodeAddress known = knownAddresses.get(node);
        if (known == null) {
            return CompletableFuture.failedFuture(new NodeUnreachableException(node, "Node " + node
                    + " is not connected and its address is not known; connect to its address first", null));
        }
        Duration limit = timeout.compareTo(connectTimeout) < 0 ? timeout : connectTimeout;
        return connectAsync(known, limit);
    }

    /** The connection to a node, dialing it unless a connection exists or is being made. */
    private CompletableFuture<PeerConnection> connectAsync(NodeAddress target, Duration timeout) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new KindlingException("Node " + name + " is closed"));
        }
        PeerSlot slot = slots.computeIfAbsent(target.name(), unused -> new PeerSlot());
        CompletableFuture<PeerConnection> result;
        synchronized (slot) {
            PeerConnection current = slot.active();
            if (current != null) {
                return CompletableFuture.completedFuture(current);
            }
            if (slot.pending == null) {
                slot.pending = new CompletableFuture<>();
                slot.dialing = true;
                blocking.execute(() -> dial(slot, target, timeout));
            }
            result = slot.pending;
        }
        return result.copy().orTimeout(timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(50),
                TimeUnit.NANOSECONDS).exceptionallyCompose(e -> {
                    Throwable cause = unwrap(e);
                    if (cause instanceof TimeoutException) {
                        synchronized (slot) {
                            slot.forgetIfStuck(result);
                        }
                        return CompletableFuture.failedFuture(new NodeUnreachableException(target.name(),
                                "Could not connect to node " + target.name() + " at " + target.host() + ":"
                                        + target.port() + " within " + timeout.toMillis() + " ms", null));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private void dial(PeerSlot slot, NodeAddress target, Duration timeout) {
        String where = target.host() + ":" + target.port();
        Transport.Connection raw = null;
        Handshake.Peer peer;
        try {
            try {
                raw = transport.connect(target.toSocketAddress(), timeout);
            } catch (IOException e) {
                throw new NodeUnreachableException(target.name(), "Cannot connect to node " + target.name()
                        + " at " + where + ": " + describe(e), e);
            }
            peer = dialHandshake(raw, target, where);
        } catch (SimultaneousDial lost) {
            closeQuietly(raw);
            // The peer is dialing us and its dial wins: its HELLO completes the pending connect. If it never
            // arrives, the waiting caller's connect timeout ends the wait.
            synchronized (slot) {
                slot.dialing = false;
            }
            return;
        } catch (RuntimeException e) {
            closeQuietly(raw);
            if (e instanceof AuthenticationException) {
                LOG.log(Level.WARNING, e.getMessage());
            } else {
                LOG.log(Level.DEBUG, "Dialing " + target + " failed: " + e.getMessage());
            }
            synchronized (slot) {
                slot.dialing = false;
                slot.failIfAbandoned(e);
            }
            return;
        }
        knownAddresses.put(peer.name(), target);
        PeerConnection connection = new PeerConnection(this, peer, name, raw);
        synchronized (slot) {
            slot.dialing = false;
        }
        register(slot, connection);
    }

    private Handshake.Peer dialHandshake(Transport.Connection raw, NodeAddress target, String where) {
        AtomicBoolean expired = new AtomicBoolean();
        var deadline = scheduler.schedule(() -> {
            expired.set(true);
            closeQuietly(raw);
        }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] ourNonce = Handshake.nonce();
            Handshake.writeHello(raw.output(), new Handshake.Hello(name, target.name(), address.host(),
                    address.port(), incarnation, ourNonce));
            Handshake.Challenge challenge = Handshake.readChallenge(raw.input());
            if (challenge.status() == Handshake.STATUS_SIMULTANEOUS) {
                throw new SimultaneousDial();
            }
            if (challenge.status() != Handshake.STATUS_OK) {
                throw new HandshakeException("Node at " + where + " refused the connection: " + challenge.reason());
            }
            if (!challenge.acceptor().equals(target.name())) {
                throw new HandshakeException("Dialed node " + target.name() + " at " + where + ", but "
                        + challenge.acceptor() + " answered");
            }
            byte[] ours = Handshake.proof(cookie, "dialer", name, target.name(), ourNonce, challenge.nonce());
            Handshake.writeProof(raw.output(), ours, attributes);
            var accept = Handshake.readAccept(raw.input(), target.name(), where);
            byte[] theirs = Handshake.proof(cookie, "acceptor", name, target.name(), ourNonce, challenge.nonce());
            if (!Handshake.matches(theirs, accept.getKey())) {
                throw new AuthenticationException("Node " + target.name() + " at " + where
                        + " could not prove it holds this node's cookie: the two nodes use different cookies");
            }
            return new Handshake.Peer(target.name(), accept.getValue(), challenge.incarnation());
        } catch (IOException e) {
            if (expired.get()) {
                throw new HandshakeException("Handshake with node " + target.name() + " at " + where
                        + " did not finish within " + handshakeTimeout.toMillis()
                        + " ms (kindling.handshake.timeout)");
            }
            throw new NodeUnreachableException(target.name(), "Lost the connection to node " + target.name()
                    + " at " + where + " during the handshake: " + describe(e), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Transport.Connection raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(Level.ERROR, "Node " + name + " stopped accepting connections: " + e.getMessage());
                }
                return;
            }
            blocking.execute(() -> accept(raw));
        }
    }

    private void accept(Transport.Connection raw) {
        SocketAddress from = raw.remoteAddress();
        AtomicBoolean expired = new AtomicBoolean();
        var deadline = scheduler.schedule(() -> {
            expired.set(true);
            closeQuietly(raw);
        }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        PeerSlot slot = null;
        Handshake.Hello hello = null;
        boolean counted = false;
        try {
            hello = Handshake.readHello(raw.input());
            NodeName peer = hello.dialer();
            String refusal = null;
            if (!hello.expected().equals(name)) {
                refusal = "this is node " + name + ", not " + hello.expected();
            } else if (peer.equals(name)) {
                refusal = "the dialing node has the same name as this node (" + name + ")";
            }
            byte[] ourNonce = Handshake.nonce();
            if (refusal != null) {
                Handshake.writeChallenge(raw.output(), new Handshake.Challenge(Handshake.STATUS_REFUSED, refusal,
                        name, incarnation, ourNonce));
                throw new HandshakeException(refusal);
            }
            slot = slots.computeIfAbsent(peer, unused -> new PeerSlot());
            int status;
            synchronized (slot) {
                status = slot.onIncoming(name, peer);
                counted = status == Handshake.STATUS_OK;
            }
            Handshake.writeChallenge(raw.output(), new Handshake.Challenge(status, null, name, incarnation,
                    ourNonce));
            if (status != Handshake.STATUS_OK) {
                closeQuietly(raw);
                return;
            }
            var proof = Handshake.readProof(raw.input());
            byte[] expected = Handshake.proof(cookie, "dialer", peer, name, hello.nonce(), ourNonce);
            if (!Handshake.matches(expected, proof.getKey())) {
                Handshake.writeAccept(raw.output(), Handshake.STATUS_BAD_COOKIE, new byte[0], NodeAttributes.empty());
                throw new AuthenticationException("Refused node " + peer + " connecting from " + from
                        + ": it does not hold this node's cookie");
            }
            byte[] ours = Handshake.proof(cookie, "acceptor", peer, name, hello.nonce(), ourNonce);
            Handshake.writeAccept(raw.output(), Handshake.STATUS_OK, ours, attributes);
            deadline.cancel(false);
            if (hello.listenPort() > 0 && !hello.listenHost().isBlank()) {
                knownAddresses.put(peer, new NodeAddress(peer, hello.listenHost(), hello.listenPort()));
            }
            PeerConnection connection = new PeerConnection(this, new Handshake.Peer(peer, proof.getValue(),
                    hello.incarnation()), peer, raw);
            synchronized (slot) {
                slot.incoming--;
                counted = false;
            }
            register(slot, connection);
        } catch (Handshake.VersionMismatch e) {
            try {
                Handshake.writeChallenge(raw.output(), new Handshake.Challenge(Handshake.STATUS_REFUSED,
                        e.getMessage(), name, incarnation, Handshake.nonce()));
            } catch (IOException ignored) {
                // closing anyway
            }
            refused(raw, from, e.getMessage(), slot, counted, e);
        } catch (AuthenticationException e) {
            LOG.log(Level.WARNING, e.getMessage());
            refused(raw, from, null, slot, counted, e);
        } catch (IOException | RuntimeException e) {
            String reason = expired.get() ? "handshake did not finish within " + handshakeTimeout.toMillis()
                    + " ms (kindling.handshake.timeout)" : e.getMessage();
            refused(raw, from, reason, slot, counted,
                    e instanceof KindlingException k ? k : new HandshakeException(String.valueOf(reason), e));
        } finally {
            deadline.cancel(false);
        }
    }

    private void refused(Transport.Connection raw, SocketAddress from, String reason, PeerSlot slot,
            boolean counted, KindlingException error) {
        if (reason != null) {
            LOG.log(Level.WARNING, "Node " + name + " closed an incoming connection from " + from + ": " + reason);
        }
        closeQuietly(raw);
        if (slot != null && counted) {
            synchronized (slot) {
                slot.incoming--;
                slot.failIfAbandoned(error);
            }
        }
    }

    /**
     * Makes a freshly authenticated connection the peer's connection, or retires it when a simultaneous dial
     * already gave the pair one. Of two connections between the same incarnations, the one dialed by the node
     * with the smaller name survives, on both sides alike; a connection from a new incarnation of the peer (it
     * restarted) replaces the old one, which goes down.
     */
    private void register(PeerSlot slot, PeerConnection connection) {
        if (closed.get()) {
            connection.close("node " + name + " closed");
            return;
        }
        connections.add(connection);
        connection.start();
        PeerConnection stale = null;
        synchronized (slot) {
            PeerConnection old = slot.active();
            if (old == null) {
                slot.activate(connection);
                connection.announced = true;
                emit(new NodeEvent.NodeUp(connection.peer, connection.peerAttributes));
            } else if (old.peerIncarnation != connection.peerIncarnation) {
                stale = old;
                slot.activate(connection);
            } else if (old.dialer.compareTo(connection.dialer) <= 0) {
                connection.retired = true;
                slot.resolvePending(old);
            } else {
                old.retired = true;
                old.announced = false;
                connection.announced = true;
                slot.activate(connection);
            }
        }
        if (stale != null) {
            stale.close("node " + connection.peer + " restarted (new incarnation connected)");
            synchronized (slot) {
                if (slot.active() == connection && !connection.announced) {
                    connection.announced = true;
                    emit(new NodeEvent.NodeUp(connection.peer, connection.peerAttributes));
                }
            }
        }
    }

    /** Called once by each connection as it closes. */
    void connectionClosed(PeerConnection connection, String reason) {
        connections.remove(connection);
        PeerSlot slot = slots.get(connection.peer);
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (slot.active == connection) {
                slot.active = null;
            }
            if (connection.announced) {
                connection.announced = false;
                LOG.log(Level.INFO, "Node " + connection.peer + " is down: " + reason);
                emit(new NodeEvent.NodeDown(connection.peer, reason));
            }
        }
    }

    private void heartbeat() {
        long now = System.nanoTime();
        long interval = heartbeatInterval.toNanos();
        long timeout = heartbeatTimeout.toNanos();
        for (PeerConnection connection : connections) {
            try {
                connection.heartbeat(now, interval, timeout);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Heartbeat of " + connection + " failed", e);
            }
        }
    }

    private void emit(NodeEvent event) {
        if (events.isShutdown()) {
            return;
        }
        try {
            events.execute(() -> {
                for (Consumer<? super NodeEvent> listener : listeners) {
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A node event listener failed on " + event, e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node is closing
        }
    }

    // ---- helpers ----

    private <T> T await(CompletableFuture<T> future, NodeName node, Duration timeout, String what) {
        try {
            // The future has its own timer; this bound only guards against a lost completion.
            return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new KindlingException(what + " to " + node + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof KindlingException k) {
                throw k;
            }
            throw new KindlingException(what + " to " + node + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RpcTimeoutException(node, timeout, what);
        } catch (CancellationException e) {
            throw new KindlingException(what + " to " + node + " was cancelled", e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new KindlingException("Node " + name + " is closed");
        }
    }

    private static void requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    private static Duration positive(Config config, String key, Duration defaultValue) {
        Duration value = config.getDuration(key, defaultValue);
        if (value.isZero()) {
            throw new ConfigException(key, "Setting " + config.fullKey(key) + " must be longer than zero");
        }
        return value;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(Transport.Connection raw) {
        if (raw != null) {
            try {
                raw.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ClassLoader.getSystemClassLoader();
    }

    /** Our dial lost a simultaneous-dial race; the peer's dial to us carries the connection. */
    private static final class SimultaneousDial extends RuntimeException {
        SimultaneousDial() {
            super(null, null, false, false);
        }
    }

    /** The state of one peer. All fields are guarded by the slot's monitor. */
    private static final class PeerSlot {
        PeerConnection active;
        CompletableFuture<PeerConnection> pending;
        boolean dialing;
        int incoming;

        synchronized PeerConnection active() {
            return active != null && active.isOpen() ? active : null;
        }

        /** A HELLO arrived from the peer: answer OK, or SIMULTANEOUS when our own dial wins the tie. */
        int onIncoming(NodeName self, NodeName peerName) {
            if (dialing && self.compareTo(peerName) < 0) {
                return Handshake.STATUS_SIMULTANEOUS;
            }
            incoming++;
            if (pending == null) {
                pending = new CompletableFuture<>();
            }
            return Handshake.STATUS_OK;
        }

        void activate(PeerConnection connection) {
            active = connection;
            resolvePending(connection);
        }

        void resolvePending(PeerConnection connection) {
            if (pending != null) {
                pending.complete(connection);
                pending = null;
            }
        }

        /** Fails the pending connect when no attempt in either direction is left to complete it. */
        void failIfAbandoned(Throwable error) {
            if (pending != null && !dialing && incoming == 0) {
                pending.completeExceptionally(error);
                pending = null;
            }
        }

        void forgetIfStuck(CompletableFuture<PeerConnection> waitedOn) {
            if (pending == waitedOn && !dialing && incoming == 0) {
                pending = null;
            }
        }
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
