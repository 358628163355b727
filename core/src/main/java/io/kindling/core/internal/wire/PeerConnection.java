package io.kindling.core.internal.wire;

import io.kindling.api.IncompatibleCodeException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RemoteFailure;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.spi.Transport;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.code.CodeFingerprint;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated connection to a peer: multiplexed calls in both directions, heartbeats, cancellation.
 *
 * <p>Writes are coalesced: a sender appends its frame to the outbox and, if no one else is writing, writes every
 * queued frame and flushes once; frames queued meanwhile by others go out in the same flush.
 *
 * <p>It talks to the node's {@link NodeRuntime} (codec, limits, timer, task context) and tells its
 * {@link Connections} when it closes.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class PeerConnection {

    private static final System.Logger LOG = System.getLogger(PeerConnection.class.getName());
    private static final int SMALL_FRAME = 1 << 20;

    private final NodeRuntime runtime;
    private final Connections owner;
    /** The peer's name. */
    final NodeName peer;
    /** The attributes the peer sent in the handshake. */
    final NodeAttributes peerAttributes;
    final long peerIncarnation;
    /** Who dialed this connection: decides which of two simultaneous connections survives. */
    final NodeName dialer;

    private final Transport.Connection transport;
    private final OutputStream out;
    private final ConcurrentLinkedQueue<byte[]> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Outgoing> pending = new ConcurrentHashMap<>();
    /** When the timer next looks for expired calls; {@code Long.MAX_VALUE} when it is not set. */
    private final AtomicLong nextExpiry = new AtomicLong(Long.MAX_VALUE);
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    private final int maxTasks;
    private final java.util.concurrent.atomic.AtomicInteger casts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastRefusalLogged;

    volatile long lastReceivedNanos = System.nanoTime();
    volatile long lastSentNanos = System.nanoTime();
    /** Set while this connection is the one the node reports as up for its peer. Guarded by the peer's slot. */
    boolean announced;
    /** Set when a newer connection to the same peer took over; closed once its calls are done. */
    volatile boolean retired;

    PeerConnection(NodeRuntime runtime, Connections owner, Handshake.Peer peer, NodeName dialer,
            Transport.Connection transport, int maxTasks) {
        this.runtime = runtime;
        this.maxTasks = maxTasks;
        this.owner = owner;
        this.peer = peer.name();
        this.peerAttributes = peer.attributes();
        this.peerIncarnation = peer.incarnation();
        this.dialer = dialer;
        this.transport = transport;
        this.out = new BufferedOutputStream(transport.output(), 64 * 1024);
    }

    void start() {
        // A platform thread: tasks that keep every carrier of the virtual threads busy must not stop reads and
        // heartbeats.
        Thread.ofPlatform().daemon().name("kindling-read-" + peer).start(this::readLoop);
    }

    /** {@return whether it is open} */
    public boolean isOpen() {
        return !closed.get();
    }

    boolean isIdle() {
        return pending.isEmpty() && running.isEmpty() && casts.get() == 0;
    }

    // ---- outgoing calls ----

    @SuppressWarnings("unchecked")
    /**
     * Sends a call.
     *
     * @param task the task
     * @param timeout how long to wait for the result; then the remote task is cancelled
     * @param <T> the result type
     * @return completes with the result, or fails as {@link io.kindling.api.Node#callAsync} documents
     */
    public <T> CompletableFuture<T> call(RemoteCallable<T> task, Duration timeout) {
        long id = ids.incrementAndGet();
        byte[] frame;
        try {
            frame = Frames.task(Frames.CALL, id, runtime.codec(), task, runtime.maxFrameSize());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new KindlingException("Cannot encode the task for " + peer
                    + ": " + e + ". A task and what it captures must be serializable.", e));
        } catch (KindlingException e) {
            return CompletableFuture.failedFuture(e);
        }
        Outgoing result = new Outgoing(id, timeout, "Call", true);
        pending.put(id, result);
        expireAt(result.deadline);
        if (closed.get()) {
            result.completeExceptionally(new NodeDownException(peer, "connection closed"));
        } else {
            send(frame);
        }
        return (CompletableFuture<T>) result;
    }

    /**
     * Sends a task to run without a result.
     *
     * @param task the task
     * @throws KindlingException if it cannot be encoded, or the connection is closed
     */
    public void cast(RemoteRunnable task) {
        byte[] frame;
        try {
            frame = Frames.task(Frames.CAST, 0, runtime.codec(), task, runtime.maxFrameSize());
        } catch (IOException e) {
            throw new KindlingException("Cannot encode the task for " + peer + ": " + e
                    + ". A task and what it captures must be serializable.", e);
        }
        if (closed.get()) {
            throw new NodeDownException(peer, "connection closed");
        }
        send(frame);
    }

    /**
     * Sends a ping.
     *
     * @param timeout how long to wait for the pong
     * @return completes with the round trip time
     */
    public CompletableFuture<Duration> ping(Duration timeout) {
        long id = ids.incrementAndGet();
        long started = System.nanoTime();
        Outgoing pong = new Outgoing(id, timeout, "Ping", false);
        pending.put(id, pong);
        expireAt(pong.deadline);
        if (closed.get()) {
            pong.completeExceptionally(new NodeDownException(peer, "connection closed"));
        } else {
            send(Frames.control(Frames.PING, id));
        }
        return pong.thenApply(v -> Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * A call or ping awaiting its answer. Whoever ends it first wins: the answer (the reader removes it from
     * {@code pending} first), the timeout, a cancel by the caller, or the connection closing. When the caller's
     * side ends a call still pending, the peer is told to stop the task.
     */
    private final class Outgoing extends CompletableFuture<Object> {
        final long id;
        final long deadline;
        final Duration timeout;
        final String what;
        final boolean cancelRemotely;

        Outgoing(long id, Duration timeout, String what, boolean cancelRemotely) {
            this.id = id;
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.what = what;
            this.cancelRemotely = cancelRemotely;
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            boolean done = super.completeExceptionally(error);
            abandoned();
            return done;
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            boolean done = super.cancel(mayInterrupt);
            abandoned();
            return done;
        }

        @Override
        public boolean complete(Object value) {
            boolean done = super.complete(value);
            abandoned();
            return done;
        }

        private void abandoned() {
            if (pending.remove(id, this) && cancelRemotely && isOpen()) {
                enqueue(Frames.control(Frames.CANCEL, id));
            }
        }
    }

    /** Makes sure the timer looks for expired calls by {@code deadline}; one timer task at a time. */
    private void expireAt(long deadline) {
        while (true) {
            long next = nextExpiry.get();
            if (next <= deadline) {
                return;
            }
            if (nextExpiry.compareAndSet(next, deadline)) {
                try {
                    runtime.scheduler().schedule(this::expire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the node is closing; close() fails what is pending
                }
                return;
            }
        }
    }

    /** Fails the calls whose time ran out and sets the timer for the next deadline. */
    private void expire() {
        long now = System.nanoTime();
        long earliest = Long.MAX_VALUE;
        nextExpiry.set(Long.MAX_VALUE);
        for (Outgoing call : pending.values()) {
            if (call.deadline - now <= 0) {
                call.completeExceptionally(new RpcTimeoutException(peer, call.timeout, call.what));
            } else {
                earliest = Math.min(earliest, call.deadline);
            }
        }
        if (earliest != Long.MAX_VALUE && !closed.get()) {
            expireAt(earliest);
        }
    }

    // ---- writing ----

    /** Writes a frame now, coalescing with frames others queue meanwhile. May block while the socket is full. */
    void send(byte[] frame) {
        outbox.add(frame);
        drain();
    }

    /** Queues a frame and makes sure someone writes it, without blocking the calling thread. */
    void enqueue(byte[] frame) {
        outbox.add(frame);
        if (!writing.get()) {
            try {
                owner.io().execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the node is closing, and this connection with it
            }
        }
    }

    private void drain() {
        while (!outbox.isEmpty() && !closed.get()) {
            if (!writing.compareAndSet(false, true)) {
                return;
            }
            try {
                byte[] frame;
                while ((frame = outbox.poll()) != null) {
                    out.write(frame);
                }
                out.flush();
                lastSentNanos = System.nanoTime();
            } catch (IOException e) {
                close("write failed: " + e.getMessage());
                return;
            } finally {
                writing.set(false);
            }
        }
    }

    // ---- reading ----

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(transport.input(), 64 * 1024));
            while (true) {
                int length = in.readInt();
                lastReceivedNanos = System.nanoTime();
                if (length < 1 || length > runtime.maxFrameSize()) {
                    throw new ProtocolViolation("frame length " + length + " is outside 1.." + runtime.maxFrameSize()
                            + " (kindling.frame.max-size)");
                }
                int type = in.readUnsignedByte();
                byte[] body = readBody(in, length - 1);
                lastReceivedNanos = System.nanoTime();
                dispatch(type, body);
            }
        } catch (EOFException e) {
            close(closed.get() ? "closed" : "connection closed by peer");
        } catch (ProtocolViolation e) {
            LOG.log(Level.WARNING, "Closing connection to " + peer + " (" + transport.remoteAddress()
                    + "): protocol error: " + e.getMessage());
            close("protocol error: " + e.getMessage());
        } catch (IOException e) {
            close("connection lost: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Unexpected failure reading from " + peer, e);
            close("internal error: " + e);
        }
    }

    /** Reads a body; a large one grows its buffer as bytes arrive, so a declared length alone allocates little. */
    private byte[] readBody(DataInputStream in, int length) throws IOException {
        if (length <= SMALL_FRAME) {
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        }
        byte[] body = new byte[SMALL_FRAME];
        int read = 0;
        while (read < length) {
            if (read == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
            }
            int n = in.read(body, read, body.length - read);
            if (n < 0) {
                throw new EOFException();
            }
            read += n;
            lastReceivedNanos = System.nanoTime();
        }
        return body;
    }

    private void dispatch(int type, byte[] body) throws ProtocolViolation {
        switch (type) {
            case Frames.CALL -> {
                requireLength(type, body, 10);
                long id = Frames.readLong(body, 0);
                if (running.size() + casts.get() >= maxTasks) {
                    send(Frames.refusedTooMany(id, maxTasks));
                    return;
                }
                Thread thread = Thread.ofVirtual().unstarted(() -> runCall(id, body));
                if (running.putIfAbsent(id, thread) != null) {
                    throw new ProtocolViolation("CALL " + id + " while a call with that id is still running");
                }
                thread.start();
            }
            case Frames.CAST -> {
                requireLength(type, body, 2);
                if (running.size() + casts.incrementAndGet() > maxTasks) {
                    casts.decrementAndGet();
                    logRefusedCast();
                    return;
                }
                Thread.ofVirtual().start(() -> runCast(body));
            }
            case Frames.REFUSED -> {
                requireLength(type, body, 9);
                Outgoing call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    call.completeExceptionally(Frames.readRefusal(body, peer));
                }
            }
            case Frames.RESULT -> {
                requireLength(type, body, 8);
                Outgoing call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    try {
                        call.complete(runtime.codec().decode(body, 8, body.length - 8, runtime.classLoader()));
                    } catch (IOException | ClassNotFoundException | RuntimeException e) {
                        call.completeExceptionally(new KindlingException("The result from " + peer
                                + " could not be decoded: " + e, e));
                    }
                }
            }
            case Frames.FAILURE -> {
                requireLength(type, body, 12);
                Outgoing call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    call.completeExceptionally(new RemoteExecutionException(peer, decodeFailure(body)));
                }
            }
            case Frames.CANCEL -> {
                requireLength(type, body, 8);
                Thread thread = running.remove(Frames.readLong(body, 0));
                if (thread != null) {
                    thread.interrupt();
                }
            }
            case Frames.TICK -> {
                // its arrival already refreshed lastReceivedNanos
            }
            case Frames.PING -> {
                requireLength(type, body, 8);
                send(Frames.control(Frames.PONG, Frames.readLong(body, 0)));
            }
            case Frames.PONG -> {
                requireLength(type, body, 8);
                Outgoing ping = pending.remove(Frames.readLong(body, 0));
                if (ping != null) {
                    ping.complete(Boolean.TRUE);
                }
            }
            default -> throw new ProtocolViolation("frame of unknown type " + type);
        }
    }

    private static void requireLength(int type, byte[] body, int min) throws ProtocolViolation {
        if (body.length < min) {
            throw new ProtocolViolation(Frames.typeName(type) + " frame of " + body.length
                    + " bytes is shorter than " + min);
        }
    }

    private Throwable decodeFailure(byte[] body) {
        int length = Frames.readInt(body, 8);
        if (length < 0 || length > body.length - 12) {
            return new KindlingException("Malformed failure from " + peer);
        }
        if (length > 0) {
            try {
                if (runtime.codec().decode(body, 12, length, runtime.classLoader()) instanceof Throwable original) {
                    return original;
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                // fall back to the copy, which only needs JDK and api classes
            }
        }
        try {
            return (Throwable) runtime.codec().decode(body, 12 + length, body.length - 12 - length, runtime.classLoader());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return new KindlingException("The exception from " + peer + " could not be decoded: " + e, e);
        }
    }

    // ---- serving peers' tasks ----

    private void runCall(long id, byte[] body) {
        Object result;
        Throwable failure = null;
        byte[] frame = null;
        try {
            Object task = decodeTask(body, 8);
            if (!(task instanceof RemoteCallable<?> callable)) {
                throw new KindlingException("Received a call whose task is a "
                        + (task == null ? "null" : task.getClass().getName()) + ", not a RemoteCallable");
            }
            result = runtime.runTask(callable);
        } catch (IncompatibleCodeException e) {
            result = null;
            frame = Frames.refusedCode(id, e);
        } catch (Throwable e) {
            result = null;
            failure = e;
        }
        if (running.remove(id) == null) {
            return; // cancelled: the caller no longer waits
        }
        if (frame != null) {
            send(frame);
            return;
        }
        try {
            frame = failure == null
                    ? Frames.withValue(Frames.RESULT, id, true, runtime.codec(), result, runtime.maxFrameSize())
                    : failureFrame(id, failure);
        } catch (IOException | KindlingException e) {
            try {
                frame = failureFrame(id, new KindlingException("The result of the task on " + runtime.name()
                        + " could not be sent: " + e, e));
            } catch (IOException | KindlingException unrecoverable) {
                LOG.log(Level.ERROR, "Cannot answer call " + id + " from " + peer, unrecoverable);
                return;
            }
        }
        send(frame);
    }

    private byte[] failureFrame(long id, Throwable failure) throws IOException {
        return Frames.failure(id, runtime.codec(), failure, RemoteFailure.copyOf(failure), runtime.maxFrameSize());
    }

    /**
     * Decodes a task and checks that the code it runs here is the code the caller fingerprinted.
     *
     * @throws IncompatibleCodeException if its class is missing here, or its code differs
     */
    private Object decodeTask(byte[] body, int offset) throws IOException, ClassNotFoundException {
        int length = Frames.readShort(body, offset);
        int start = offset + 2;
        if (length > CodeFingerprint.MAX_BYTES || start + length > body.length) {
            throw new KindlingException("Malformed task: code fingerprint of " + length + " bytes");
        }
        int taskAt = start + length;
        Object task;
        try {
            task = runtime.codec().decode(body, taskAt, body.length - taskAt, runtime.classLoader());
        } catch (ClassNotFoundException | InvalidClassException e) {
            CodeFingerprint theirs = fingerprint(body, start, length);
            throw new IncompatibleCodeException(runtime.name(), theirs.className(), theirs.method()
                    + theirs.descriptor(), theirs.digestHex(), "missing");
        }
        if (task != null && !CodeFingerprint.matches(task, body, start, length)) {
            CodeFingerprint theirs = fingerprint(body, start, length);
            CodeFingerprint ours = CodeFingerprint.of(task);
            throw new IncompatibleCodeException(runtime.name(), ours.className(), ours.method() + ours.descriptor(),
                    theirs.digestHex(), ours.digestHex());
        }
        return task;
    }

    private CodeFingerprint fingerprint(byte[] body, int start, int length) {
        try {
            return CodeFingerprint.decode(body, start, length);
        } catch (IllegalArgumentException e) {
            throw new KindlingException("Malformed task from " + peer + ": " + e.getMessage(), e);
        }
    }

    private void logRefusedCast() {
        long now = System.nanoTime();
        if (now - lastRefusalLogged > TimeUnit.SECONDS.toNanos(1)) {
            lastRefusalLogged = now;
            LOG.log(Level.WARNING, "Refused a cast from " + peer + ": it already has " + maxTasks
                    + " tasks running here (kindling.tasks.max-per-peer); the cast did not run");
        }
    }

    private void runCast(byte[] body) {
        try {
            Object task = decodeTask(body, 0);
            if (!(task instanceof RemoteRunnable runnable)) {
                throw new KindlingException("Received a cast whose task is a "
                        + (task == null ? "null" : task.getClass().getName()) + ", not a RemoteRunnable");
            }
            runtime.runTask(() -> {
                runnable.run();
                return null;
            });
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "A task cast by " + peer + " failed", e);
        } finally {
            casts.decrementAndGet();
        }
    }

    // ---- heartbeats and closing ----

    /** Called by the node's heartbeat timer: sends a tick when idle, closes a silent peer. */
    void heartbeat(long nowNanos, long intervalNanos, long timeoutNanos) {
        if (closed.get()) {
            return;
        }
        long silent = nowNanos - lastReceivedNanos;
        if (silent >= timeoutNanos) {
            close("no heartbeat for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (kindling.heartbeat.timeout="
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms)");
            return;
        }
        if (retired && isIdle()) {
            close("replaced by another connection to the same node");
            return;
        }
        if (nowNanos - lastSentNanos >= intervalNanos) {
            enqueue(Frames.tick());
        }
    }

    /**
     * Closes the connection once: pending calls fail with {@link NodeDownException}, tasks the peer runs here are
     * interrupted, and the node is told.
     */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            transport.close();
        } catch (IOException e) {
            // closing anyway
        }
        NodeDownException down = new NodeDownException(peer, reason);
        for (Outgoing call : pending.values()) {
            call.completeExceptionally(down);
        }
        pending.clear();
        for (Thread thread : running.values()) {
            thread.interrupt();
        }
        running.clear();
        outbox.clear();
        owner.connectionClosed(this, reason);
    }

    @Override
    public String toString() {
        return "connection to " + peer + " (" + transport.remoteAddress() + ", dialed by " + dialer + ")";
    }

    /** {@return the attributes the peer sent in the handshake} */
    public NodeAttributes peerAttributes() {
        return peerAttributes;
    }

    /** The peer broke the frame protocol; the connection is closed. */
    static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message, null, false, false);
        }
    }
}
