package io.kindling.core.internal.wire;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.spi.Transport;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.metrics.PeerMeters;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

    private static final System.Logger LOG = LazyLogger.of(PeerConnection.class.getName());
    private static final int SMALL_FRAME = 1 << 20;
    private static final int FLUSH_QUEUED_AT = 256 * 1024;
    /** How long a purposeful close waits for its BYE to be written before it closes anyway. */
    private static final java.time.Duration BYE_WAIT = java.time.Duration.ofMillis(200);

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
    private final PendingCalls pending;
    private final TaskServer tasks;
    /** This connection's counts; the node's totals take them over when it closes. */
    final PeerMeters meters;
    /** Bytes the reader queued since it last wrote; only the reader touches it. */
    private int queuedBytes;
    /** Read by one thread at a time: the reader, which {@link TaskServer} may replace (see there). */
    private final FrameInput in;
    private volatile Thread reader;

    volatile long lastReceivedNanos = System.nanoTime();
    volatile long lastSentNanos = System.nanoTime();
    /** Set while this connection is the one the node reports as up for its peer. Guarded by the peer's slot. */
    boolean announced;
    /** Set when a newer connection to the same peer took over; closed once its calls are done. */
    volatile boolean retired;
    /** Set when the close was meant: asked for here, or announced by the peer's BYE. Logged at INFO, not WARNING. */
    volatile boolean closedOnPurpose;
    /** Why a close on purpose closes: it wins over what a racing read sees then (the peer's EOF). */
    private volatile String purpose;

    PeerConnection(NodeRuntime runtime, Connections owner, Handshake.Peer peer, NodeName dialer,
            Transport.Connection transport, int maxTasks) {
        this.runtime = runtime;
        this.owner = owner;
        this.peer = peer.name();
        this.peerAttributes = peer.attributes();
        this.peerIncarnation = peer.incarnation();
        this.dialer = dialer;
        this.transport = transport;
        this.out = new BufferedOutputStream(transport.output(), 64 * 1024);
        this.in = new FrameInput(transport.input());
        this.tasks = new TaskServer(this, runtime, this.peer, maxTasks);
        this.meters = runtime.meters().open(this.peer, tasks::running);
        this.pending = new PendingCalls(this.peer, runtime.scheduler(), id -> {
            if (isOpen()) {
                enqueue(Frames.control(Frames.CANCEL, id));
            }
        }, meters, runtime.meters().latency());
    }

    void start() {
        startReader();
    }

    /**
     * Starts a reader: at first, and when the reader runs a task for too long ({@link TaskServer}). A platform
     * thread, so that tasks keeping every carrier of the virtual threads busy do not stop reads and heartbeats.
     */
    void startReader() {
        Thread thread = Thread.ofPlatform().daemon().name("kindling-read-" + peer).unstarted(this::readLoop);
        reader = thread;
        thread.start();
    }

    /** {@return whether it is open} */
    public boolean isOpen() {
        return !closed.get();
    }

    /** {@return the peer's address, as the transport sees it} */
    java.net.SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    boolean isIdle() {
        return pending.isEmpty() && tasks.isIdle();
    }

    // ---- outgoing calls ----

    /**
     * Sends a call.
     *
     * @param task the task
     * @param timeout how long to wait for the result; then the remote task is cancelled
     * @param <T> the result type
     * @return completes with the result, or fails as {@link io.kindling.api.Node#callAsync} documents
     */
    @SuppressWarnings("unchecked")
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
        PendingCalls.Call call = pending.open(id, timeout, "Call", true);
        call.trace(task.getClass().getName(), frame.length);
        return (CompletableFuture<T>) launch(call, frame);
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
        return launch(pending.open(id, timeout, "Ping", false), Frames.control(Frames.PING, id)).thenApply(v -> Duration.ofNanos(System.nanoTime() - started));
    }

    /** Sends the frame of a registered call, or fails the call when the connection is closed. */
    private PendingCalls.Call launch(PendingCalls.Call call, byte[] frame) {
        if (closed.get()) {
            call.completeExceptionally(new NodeDownException(peer, "connection closed"));
        } else {
            send(frame);
        }
        return call;
    }

    // ---- writing ----

    /** Writes a frame now, coalescing with frames others queue meanwhile. May block while the socket is full. */
    void send(byte[] frame) {
        outbox.add(frame);
        if (writing.get()) {
            return; // the writer looks at the outbox again before it stops
        }
        if (Thread.currentThread().isVirtual()) {
            // Let the other virtual threads that are ready (callers an answer batch just woke) queue their frames
            // first: one write carries them all.
            Thread.yield();
        }
        drain();
    }

    /**
     * Queues a frame for the reader to write with the others of its batch: it writes when it has read every frame
     * that arrived, or when 256 KiB are queued. Only for the reader thread.
     */
    void queue(byte[] frame) {
        outbox.add(frame);
        queuedBytes += frame.length;
        if (queuedBytes >= FLUSH_QUEUED_AT) {
            queuedBytes = 0;
            drain(); // large answers go out at once: what waits for the batch stays small
        }
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
                long written = 0;
                while ((frame = outbox.poll()) != null) {
                    out.write(frame);
                    written += frame.length;
                }
                meters.bytesOut.add(written);
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
        Thread self = Thread.currentThread();
        try {
            while (reader == self) {
                if (in.buffered() == 0 && !outbox.isEmpty()) {
                    queuedBytes = 0;
                    drain(); // answer the batch before waiting for more
                }
                int length = in.readInt();
                lastReceivedNanos = System.nanoTime();
                if (length < 1 || length > runtime.maxFrameSize()) {
                    throw new ProtocolViolation("frame length " + length + " is outside 1.." + runtime.maxFrameSize()
                            + " (kindling.frame.max-size)");
                }
                int type = in.readUnsignedByte();
                byte[] body = readBody(in, length - 1);
                lastReceivedNanos = System.nanoTime();
                meters.bytesIn.add(4L + length);
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
        return Frames.readGrowing(in, length, SMALL_FRAME, () -> lastReceivedNanos = System.nanoTime());
    }

    private void dispatch(int type, byte[] body) throws ProtocolViolation {
        switch (type) {
            case Frames.CALL -> {
                requireLength(type, body, 10);
                tasks.call(Frames.readLong(body, 0), body);
            }
            case Frames.CAST -> {
                requireLength(type, body, 2);
                tasks.cast(body);
            }
            case Frames.REFUSED -> {
                requireLength(type, body, 9);
                PendingCalls.Call call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    call.completeExceptionally(Frames.readRefusal(body, peer));
                }
            }
            case Frames.RESULT -> {
                requireLength(type, body, 8);
                PendingCalls.Call call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    try {
                        call.complete(runtime.decodeResult(body, 8, body.length - 8));
                    } catch (IOException | ClassNotFoundException | RuntimeException e) {
                        call.completeExceptionally(new KindlingException("The result from " + peer
                                + " could not be decoded: " + e, e));
                    }
                }
            }
            case Frames.FAILURE -> {
                requireLength(type, body, 12);
                PendingCalls.Call call = pending.remove(Frames.readLong(body, 0));
                if (call != null) {
                    call.completeExceptionally(new RemoteExecutionException(peer, decodeFailure(body)));
                }
            }
            case Frames.CANCEL -> {
                requireLength(type, body, 8);
                tasks.cancel(Frames.readLong(body, 0));
            }
            case Frames.BYE -> {
                purpose = "node " + peer + " closed the connection";
                closedOnPurpose = true;
                close(purpose);
            }
            case Frames.TICK -> {
                // its arrival already refreshed lastReceivedNanos
            }
            case Frames.PING -> {
                requireLength(type, body, 8);
                queue(Frames.control(Frames.PONG, Frames.readLong(body, 0)));
            }
            case Frames.PONG -> {
                requireLength(type, body, 8);
                PendingCalls.Call ping = pending.remove(Frames.readLong(body, 0));
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
            closeOnPurpose("replaced by another connection to the same node");
            return;
        }
        if (nowNanos - lastSentNanos >= intervalNanos) {
            enqueue(Frames.tick());
        }
    }

    /**
     * Closes the connection on purpose (this node closes, disconnects, or replaced it): tells the peer with a BYE
     * frame first, so that it logs the close as expected, waiting at most {@link #BYE_WAIT} for the write; then
     * {@link #close}.
     *
     * @param reason why, for the node-down event and the log
     */
    public void closeOnPurpose(String reason) {
        if (closed.get()) {
            return;
        }
        purpose = reason;
        closedOnPurpose = true;
        outbox.add(Frames.bye());
        Thread writer = Thread.ofVirtual().name("kindling-bye-" + peer).start(this::drain);
        try {
            writer.join(BYE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(reason);
    }

    /**
     * Closes the connection once: pending calls fail with {@link NodeDownException}, tasks the peer runs here are
     * interrupted, and the node is told.
     *
     * @param why why, for the node-down event and the log (a close on purpose gives its own reason instead)
     */
    public void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String reason = purpose != null ? purpose : why;
        try {
            transport.close();
        } catch (IOException e) {
            // closing anyway
        }
        NodeDownException down = new NodeDownException(peer, reason);
        pending.failAll(down);
        tasks.closeAll();
        outbox.clear();
        runtime.meters().retire(meters);
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

    /** The input, which tells how much it holds, so the reader writes its answers before it waits for more. */
    private static final class FrameInput extends DataInputStream {
        FrameInput(java.io.InputStream raw) {
            super(new Buffered(raw));
        }

        int buffered() {
            return ((Buffered) in).buffered();
        }

        private static final class Buffered extends BufferedInputStream {
            Buffered(java.io.InputStream raw) {
                super(raw, 64 * 1024);
            }

            int buffered() {
                return count - pos;
            }
        }
    }

    /** The peer broke the frame protocol; the connection is closed. */
    static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message, null, false, false);
        }
    }
}
