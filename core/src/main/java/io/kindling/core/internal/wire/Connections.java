package io.kindling.core.internal.wire;

import io.kindling.api.AuthenticationException;
import io.kindling.api.HandshakeException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.NodeUnreachableException;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.spi.Transport;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.Threads;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.jfr.NodeDownEvent;
import io.kindling.core.internal.jfr.NodeUpEvent;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's connections: listens and accepts, dials, arbitrates simultaneous dials, keeps one active connection per
 * peer, reports node up and down, and runs heartbeats.
 *
 * <p>Of two connections between the same incarnations, the one dialed by the node with the smaller name survives,
 * on both sides alike; a connection from a new incarnation of the peer (it restarted) replaces the old one, which
 * goes down.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Connections {

    private static final System.Logger LOG = LazyLogger.of(Connections.class.getName());
    /** How much longer than the connect timeout a caller waits on a dial that another thread runs. */
    private static final long CONNECT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final NodeRuntime runtime;
    private final NodeName self;
    private final Transport transport;
    private final Authenticator authenticator;
    private final HandshakeGate gate;
    private final Listeners<NodeEvent> events;
    private final ExecutorService io;
    private final WireSettings settings;
    private final Duration connectTimeout;
    private final Map<NodeName, PeerSlot> slots = new ConcurrentHashMap<>();
    private final Map<NodeName, NodeAddress> knownAddresses = new ConcurrentHashMap<>();
    private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Transport.Listener listener;
    private volatile NodeAddress listening;

    /**
     * Sets up a node's connections; {@link #listen} starts accepting.
     *
     * @param runtime the node's runtime
     * @param transport opens and accepts connections
     * @param cookie the cluster cookie
     * @param attributes this node's attributes, sent to peers
     * @param settings the timeouts
     * @param events where node up and node down are reported
     */
    public Connections(NodeRuntime runtime, Transport transport, byte[] cookie, NodeAttributes attributes,
            WireSettings settings, Listeners<NodeEvent> events) {
        this.runtime = runtime;
        this.self = runtime.name();
        this.transport = transport;
        // The incarnation tells a restarted node from its predecessor; it proves nothing (the cookie does), so it
        // need not wait for the security provider, which a fresh runner JVM is still setting up at this point.
        this.authenticator = new Authenticator(self, cookie, ThreadLocalRandom.current().nextLong(), attributes,
                settings.handshakeTimeout(), settings.failureDelay(), runtime.scheduler());
        this.gate = new HandshakeGate(self.toString(), settings.maxHandshakes(), settings.maxHandshakesPerSource());
        this.events = events;
        this.settings = settings;
        // Platform threads: busy tasks on every carrier of the virtual threads must not stall the protocol.
        this.io = Executors.newCachedThreadPool(Threads.numberedDaemons("kindling-io-" + self.name() + "-"));
        this.connectTimeout = settings.connectTimeout();
        long tick = settings.heartbeatInterval().toNanos();
        long timeout = settings.heartbeatTimeout().toNanos();
        runtime.scheduler().scheduleAtFixedRate(() -> heartbeat(tick, timeout), tick, Math.max(tick / 2, 1),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Listens and starts accepting.
     *
     * @param host the host to bind
     * @param port the port; 0 picks a free one
     * @return the address peers dial
     * @throws IOException if the address cannot be bound
     */
    public NodeAddress listen(String host, int port) throws IOException {
        listener = transport.listen(new InetSocketAddress(host, port));
        listening = new NodeAddress(self, host, listener.localAddress().getPort());
        Thread.ofPlatform().daemon().name("kindling-accept-" + self.name()).start(new AcceptLoop(self.toString(),
                listener, closed::get, this::admit));
        return listening;
    }

    /**
     * {@return the active connection to a node, or {@code null}}
     *
     * @param node the peer
     */
    public PeerConnection active(NodeName node) {
        PeerSlot slot = slots.get(node);
        return slot == null ? null : slot.active();
    }

    /** {@return the nodes with an active connection, sorted} */
    public Set<NodeName> connectedNodes() {
        Set<NodeName> names = new TreeSet<>();
        slots.forEach((peer, slot) -> {
            if (slot.active() != null) {
                names.add(peer);
            }
        });
        return Collections.unmodifiableSet(names);
    }

    /**
     * Connects to an address and waits.
     *
     * @param target the address
     * @param timeout bounds the dial and the handshake
     * @return the connection
     */
    public PeerConnection connect(NodeAddress target, Duration timeout) {
        return Futures.awaitTimed(connectAsync(target, timeout), timeout, "Connect to " + target.name(),
                () -> new RpcTimeoutException(target.name(), timeout, "Connect"));
    }

    /**
     * The connection to a node that is not connected now, dialed at the address it was last seen at.
     *
     * @param node the node
     * @param timeout the caller's timeout; the dial takes at most the connect timeout
     * @return completes with the connection
     */
    public CompletableFuture<PeerConnection> reconnect(NodeName node, Duration timeout) {
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
            return CompletableFuture.failedFuture(new KindlingException("Node " + self + " is closed"));
        }
        PeerSlot slot;
        CompletableFuture<PeerConnection> result;
        while (true) {
            slot = slots.computeIfAbsent(target.name(), unused -> new PeerSlot());
            synchronized (slot) {
                if (slot.removed) {
                    continue; // released between the lookup and the lock: take the new one
                }
                PeerConnection current = slot.active();
                if (current != null) {
                    return CompletableFuture.completedFuture(current);
                }
                if (slot.pending == null) {
                    slot.pending = new CompletableFuture<>();
                    slot.dialing = true;
                    PeerSlot dialSlot = slot;
                    io.execute(() -> dial(dialSlot, target, timeout));
                }
                result = slot.pending;
                break;
            }
        }
        PeerSlot waited = slot;
        return result.copy().orTimeout(timeout.toNanos() + CONNECT_SLACK_NANOS, TimeUnit.NANOSECONDS)
                .exceptionallyCompose(e -> {
                    Throwable cause = Futures.unwrap(e);
                    if (cause instanceof TimeoutException) {
                        synchronized (waited) {
                            waited.forgetIfStuck(result);
                        }
                        return CompletableFuture.failedFuture(new NodeUnreachableException(target.name(),
                                "Could not connect to node " + target.name() + " at " + target.host() + ":"
                                        + target.port() + " within " + timeout.toMillis() + " ms", null));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private void dial(PeerSlot slot, NodeAddress target, Duration timeout) {
        Transport.Connection raw = null;
        Handshake.Peer peer;
        try {
            try {
                raw = transport.connect(target.toSocketAddress(), timeout);
                synchronized (slot) {
                    slot.dialReachedPeer = true;
                }
            } catch (IOException e) {
                throw new NodeUnreachableException(target.name(), "Cannot connect to node " + target.name()
                        + " at " + target.host() + ":" + target.port() + ": " + Authenticator.describe(e), e);
            }
            peer = authenticator.dial(raw, target, listening);
        } catch (Authenticator.SimultaneousDial lost) {
            closeQuietly(raw);
            // The peer is dialing us and its dial wins: its HELLO completes the pending connect. If it never
            // arrives, the waiting caller's connect timeout ends the wait.
            synchronized (slot) {
                slot.dialEnded();
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
                slot.dialEnded();
                slot.failIfAbandoned(e);
            }
            releaseIfIdle(target.name(), slot);
            return;
        }
        knownAddresses.put(peer.name(), target);
        PeerConnection connection = new PeerConnection(runtime, this, peer, self, raw, settings.maxTasksPerPeer());
        register(slot, connection, true);
    }

    /** Starts the handshake of an accepted connection, unless the {@link HandshakeGate} closes it at once. */
    private void admit(Transport.Connection raw) {
        InetAddress source = gate.tryEnter(raw.remoteAddress());
        if (source == null) {
            closeQuietly(raw);
            return;
        }
        try {
            io.execute(() -> {
                try {
                    accept(raw);
                } finally {
                    gate.exit(source);
                }
            });
        } catch (RejectedExecutionException e) {
            gate.exit(source);
            closeQuietly(raw);
        }
    }

    private void accept(Transport.Connection raw) {
        Incoming attempt = new Incoming();
        Authenticator.Accepted accepted = authenticator.accept(raw, attempt);
        if (accepted == null) {
            if (attempt.slot != null) {
                releaseIfIdle(attempt.peer, attempt.slot);
            }
            return;
        }
        NodeName peer = accepted.peer().name();
        if (accepted.listenPort() > 0 && !accepted.listenHost().isBlank()) {
            knownAddresses.put(peer, new NodeAddress(peer, accepted.listenHost(), accepted.listenPort()));
        }
        PeerConnection connection = new PeerConnection(runtime, this, accepted.peer(), peer, raw,
                settings.maxTasksPerPeer());
        register(attempt.slot, connection, false);
    }

    /**
     * One incoming attempt's claim on its peer's slot. A dialer claiming the name of a node this node is connected
     * to is let on only when the live connection fails to answer a ping within half the handshake timeout (then it
     * is closed as dead): a cookie holder cannot take over a live node's name, and a node that restarted before its
     * old connection was noticed dead still gets back in.
     */
    private final class Incoming implements Authenticator.Arbiter {
        PeerSlot slot;
        NodeName peer;

        @Override
        public int onHello(NodeName peer, long incarnation) {
            this.peer = peer;
            PeerConnection live;
            while (true) {
                PeerSlot candidate = slots.computeIfAbsent(peer, unused -> new PeerSlot());
                synchronized (candidate) {
                    if (candidate.removed) {
                        continue;
                    }
                    live = candidate.active();
                    if (live == null) {
                        slot = candidate;
                        return candidate.onIncoming(self, peer);
                    }
                }
                break;
            }
            Duration wait = settings.handshakeTimeout().dividedBy(2);
            if (answers(live, wait)) {
                throw new HandshakeException("node " + peer + " is already connected to " + self + " (from "
                        + live.remoteAddress() + ") and answers; a second connection under its name is refused "
                        + "while that one is alive");
            }
            live.close("did not answer a ping within " + wait.toMillis() + " ms while a new connection claimed "
                    + "its name");
            return onHello(peer, incarnation);
        }

        @Override
        public void failed(KindlingException error) {
            synchronized (slot) {
                slot.incoming--;
                slot.failIfAbandoned(error);
            }
        }
    }

    /**
     * Makes a freshly authenticated connection the peer's connection, or retires it when a simultaneous dial
     * already gave the pair one; ends its attempt (a dial, or an incoming handshake) in the same step, so that the
     * slot never looks settled while a connection is about to register.
     */
    private void register(PeerSlot slot, PeerConnection connection, boolean dialed) {
        if (closed.get()) {
            synchronized (slot) {
                slot.attemptEnded(dialed);
            }
            connection.closeOnPurpose("node " + self + " closed");
            return;
        }
        connections.add(connection);
        connection.start();
        PeerConnection stale = null;
        synchronized (slot) {
            slot.attemptEnded(dialed);
            if (!connection.isOpen()) {
                // It closed between its start and here (its first frames broke the protocol, say): its close found
                // no slot to clear, so it must not become the peer's connection, nor be announced up with no down.
                slot.failIfAbandoned(new NodeUnreachableException(connection.peer, "The connection to node "
                        + connection.peer + " closed as it opened", null));
                releaseIfIdle(connection.peer, slot);
                return;
            }
            PeerConnection old = slot.active();
            if (old == null) {
                slot.activate(connection);
                connection.announced = true;
                nodeUp(connection);
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
                    nodeUp(connection);
                }
            }
        }
    }

    private static boolean answers(PeerConnection live, Duration wait) {
        try {
            live.ping(wait).get(wait.toNanos() + CONNECT_SLACK_NANOS, TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // the node is closing: keep what is there
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Forgets a peer's slot when nothing is left in it: failed handshakes and dials leave no state behind. */
    private void releaseIfIdle(NodeName peer, PeerSlot slot) {
        synchronized (slot) {
            if (!slot.removed && slot.active() == null && slot.settled()) {
                slot.removed = true;
                slots.remove(peer, slot);
            }
        }
    }

    /** Announces a connection's peer as up: the event, and its JFR event. Caller holds the peer's slot. */
    private void nodeUp(PeerConnection connection) {
        events.emit(new NodeEvent.NodeUp(connection.peer, connection.peerAttributes));
        if (Jfr.on() && NodeUpEvent.wanted()) {
            NodeUpEvent event = new NodeUpEvent();
            event.peer = connection.peer.toString();
            event.commit();
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
                // a close either side meant is news; any other is a failure worth a look
                LOG.log(connection.closedOnPurpose ? Level.INFO : Level.WARNING, "Node " + connection.peer
                        + " is down: " + reason);
                if (Jfr.on() && NodeDownEvent.wanted()) {
                    NodeDownEvent event = new NodeDownEvent();
                    event.peer = connection.peer.toString();
                    event.reason = reason;
                    event.onPurpose = connection.closedOnPurpose;
                    event.commit();
                }
                events.emit(new NodeEvent.NodeDown(connection.peer, reason));
            }
        }
        // Nothing left in the slot: forget the peer, or every name that ever connected would stay in the map.
        releaseIfIdle(connection.peer, slot);
    }

    private void heartbeat(long intervalNanos, long timeoutNanos) {
        long now = System.nanoTime();
        for (PeerConnection connection : connections) {
            try {
                connection.heartbeat(now, intervalNanos, timeoutNanos);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Heartbeat of " + connection + " failed", e);
            }
        }
    }

    /** Stops listening and closes every connection; later dials fail. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Closing the listener of " + self, e);
        }
        for (PeerConnection connection : List.copyOf(connections)) {
            connection.closeOnPurpose("node " + self + " closed");
        }
        io.shutdownNow();
    }

    /** {@return the platform threads that run dials, handshakes, readers and queued writes} */
    ExecutorService io() {
        return io;
    }

    /**
     * For tests: whether no dial or incoming handshake with the node is in flight.
     *
     * @param node the peer
     * @return whether it is settled
     */
    public boolean settled(NodeName node) {
        PeerSlot slot = slots.get(node);
        return slot == null || slot.settled();
    }

    /** {@return every open connection, active or retired, one a line: for diagnostics} */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (PeerConnection connection : connections) {
            text.append(connection).append(connection.retired ? " retired" : "")
                    .append(active(connection.peer) == connection ? " active" : "").append('\n');
        }
        return text.toString();
    }

    static void closeQuietly(Transport.Connection raw) {
        if (raw != null) {
            try {
                raw.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
