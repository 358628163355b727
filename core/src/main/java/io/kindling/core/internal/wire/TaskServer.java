package io.kindling.core.internal.wire;

import io.kindling.api.IncompatibleCodeException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteFailure;
import io.kindling.api.RemoteRunnable;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.code.CodeFingerprint;
import io.kindling.core.internal.jfr.CallInEvent;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.metrics.Outcome;
import java.io.IOException;
import java.io.InvalidClassException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the tasks a peer sends over one connection: decodes each on the connection's reader, checks its code
 * fingerprint, bounds how many run at once ({@code kindling.tasks.max-per-peer}), and answers.
 *
 * <p><b>Where a task runs.</b> A task runs on a virtual thread of its own, unless its class has proved quick: after
 * {@value #QUICK_RUNS} runs averaging under {@value #QUICK_MICROS} µs (a moving average), and never one over
 * {@value #SLOW_MILLIS} ms, it runs on the reader itself, which saves two thread hand-offs per call and lets the
 * reader answer a batch of calls with one write. A watchdog on the node's timer hands the reader's job to a new
 * platform thread when a task runs inline for more than {@value #PROMOTE_MILLIS} ms, so reads and heartbeats never
 * wait on a task longer than that; a class whose run took over {@value #SLOW_MILLIS} ms runs on virtual threads from
 * then on. At most
 * {@value #MAX_DISPLACED} readers displaced this way may still be running their tasks; beyond that, nothing runs
 * inline on the connection.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class TaskServer {

    private static final System.Logger LOG = LazyLogger.of(TaskServer.class.getName());

    static final int QUICK_RUNS = 16;
    static final int QUICK_MICROS = 20;
    static final int SLOW_MILLIS = 10;
    static final int PROMOTE_MILLIS = 2;
    static final int MAX_DISPLACED = 4;
    private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WATCH_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How a task class has run so far, in this JVM: how many runs, their moving average time (each run weighs
     * 1/8), and whether one was slow. Updated without locks: it only steers, and a lost update does no harm.
     */
    private static final class Record {
        volatile int runs;
        volatile long averageNanos;
        volatile boolean slow;

        boolean inline() {
            return !slow && runs >= QUICK_RUNS && averageNanos < TimeUnit.MICROSECONDS.toNanos(QUICK_MICROS);
        }

        void ran(long nanos) {
            // A displaced run counts by its own time: a GC pause or a busy CPU can outlast the watchdog's 2 ms
            // while the task itself is quick.
            if (nanos > TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS)) {
                slow = true;
                return;
            }
            averageNanos = runs == 0 ? nanos : averageNanos - averageNanos / 8 + nanos / 8;
            if (runs < QUICK_RUNS) {
                runs++;
            }
        }
    }

    private static final ClassValue<Record> RECORDS = new ClassValue<>() {
        @Override
        protected Record computeValue(Class<?> type) {
            return new Record();
        }
    };

    private final PeerConnection connection;
    private final NodeRuntime runtime;
    private final NodeName peer;
    private final int maxTasks;
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    private final AtomicInteger casts = new AtomicInteger();
    /** When the reader started its current inline task; 0 when it runs none; {@link #DISPLACED} once replaced. */
    private final AtomicLong inlineSince = new AtomicLong();
    private static final long DISPLACED = -1;
    private final AtomicInteger displaced = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile long lastInline;
    private volatile long lastRefusalLogged;

    TaskServer(PeerConnection connection, NodeRuntime runtime, NodeName peer, int maxTasks) {
        this.connection = connection;
        this.runtime = runtime;
        this.peer = peer;
        this.maxTasks = maxTasks;
    }

    boolean isIdle() {
        return running.isEmpty() && casts.get() == 0;
    }

    /** {@return the peer's calls and casts running here now} */
    int running() {
        return running.size() + casts.get();
    }

    /** Counts a served call's outcome, and commits its JFR event when a recording wanted one. */
    private void served(CallInEvent event, String taskClass, Outcome outcome) {
        connection.meters.in.count(outcome);
        if (event != null) {
            event.taskClass = taskClass;
            event.outcome = outcome.name();
            event.commit();
        }
    }

    /** {@return a begun JFR event for a call, or {@code null} when no recording wants one} */
    private CallInEvent traced(byte[] body) {
        if (!Jfr.on() || !CallInEvent.wanted()) {
            return null;
        }
        CallInEvent event = new CallInEvent();
        event.begin();
        event.peer = peer.toString();
        event.requestBytes = Frames.HEADER + body.length;
        return event;
    }

    /**
     * A CALL, on the reader thread.
     *
     * @throws PeerConnection.ProtocolViolation if a call with the same id is still running
     */
    void call(long id, byte[] body) throws PeerConnection.ProtocolViolation {
        CallInEvent event = traced(body);
        if (running.size() + casts.get() >= maxTasks) {
            connection.queue(Frames.refusedTooMany(id, maxTasks));
            served(event, "", Outcome.REFUSED);
            return;
        }
        if (running.containsKey(id)) {
            throw new PeerConnection.ProtocolViolation("CALL " + id + " while a call with that id is still running");
        }
        RemoteCallable<?> task;
        try {
            Object decoded = decodeTask(body, 8);
            if (!(decoded instanceof RemoteCallable<?> callable)) {
                throw new KindlingException("Received a call whose task is a "
                        + (decoded == null ? "null" : decoded.getClass().getName()) + ", not a RemoteCallable");
            }
            task = callable;
        } catch (IncompatibleCodeException e) {
            connection.queue(Frames.refusedCode(id, e));
            served(event, e.className(), Outcome.REFUSED);
            return;
        } catch (Throwable e) {
            byte[] frame = answer(id, null, e);
            if (frame != null) {
                connection.queue(frame);
            }
            served(event, "", Outcome.FAILED);
            return;
        }
        Record record = RECORDS.get(task.getClass());
        if (record.inline() && displaced.get() < MAX_DISPLACED) {
            runInline(id, task, record, event);
        } else {
            // Not a lambda: its call site's type would name CallInEvent, and loading an event class wakes JFR up.
            Thread thread = Thread.ofVirtual().unstarted(new OwnThreadRun(id, task, record, event));
            running.put(id, thread);
            thread.start();
        }
    }

    /** How a task's run ended: its result or what it threw. */
    private record Ran(Object result, Throwable failure) {
    }

    /** Runs a task in the node's task context and records how long it took. */
    private Ran run(RemoteCallable<?> task, Record record) {
        long started = System.nanoTime();
        Ran outcome;
        try {
            outcome = new Ran(runtime.runTask(task), null);
        } catch (Throwable e) {
            outcome = new Ran(null, e);
        }
        record.ran(System.nanoTime() - started);
        return outcome;
    }

    /** A call that runs on a thread of its own. */
    private final class OwnThreadRun implements Runnable {
        private final long id;
        private final RemoteCallable<?> task;
        private final Record record;
        private final CallInEvent event;

        OwnThreadRun(long id, RemoteCallable<?> task, Record record, CallInEvent event) {
            this.id = id;
            this.task = task;
            this.record = record;
            this.event = event;
        }

        @Override
        public void run() {
            runOnOwnThread(id, task, record, event);
        }
    }

    private void runOnOwnThread(long id, RemoteCallable<?> task, Record record, CallInEvent event) {
        Ran outcome = run(task, record);
        if (running.remove(id) != null) {
            byte[] frame = answer(id, outcome.result(), outcome.failure());
            if (frame != null) {
                connection.send(frame);
            }
            served(event, task.getClass().getName(), outcome.failure() == null ? Outcome.OK : Outcome.FAILED);
        } else {
            served(event, task.getClass().getName(), Outcome.CANCELLED);
        }
    }

    /** The call the reader runs inline, for the watchdog: registered as running only if the reader is replaced. */
    private volatile long inlineId;
    private volatile Thread inlineThread;

    private void runInline(long id, RemoteCallable<?> task, Record record, CallInEvent event) {
        long since = System.nanoTime();
        if (since == 0 || since == DISPLACED) {
            since++;
        }
        inlineId = id;
        inlineThread = Thread.currentThread();
        inlineSince.set(since);
        lastInline = since;
        watch();
        Ran outcome = run(task, record);
        Thread.interrupted(); // a cancel that came too late must not reach the next read
        boolean keptReader = inlineSince.compareAndSet(since, 0);
        // Displaced, it was registered, and a CANCEL read meanwhile removed it: then no answer.
        byte[] frame = keptReader || running.remove(id) != null ? answer(id, outcome.result(), outcome.failure())
                : null;
        if (keptReader) {
            if (frame != null) {
                connection.queue(frame);
            }
        } else {
            displaced.decrementAndGet();
            if (frame != null) {
                connection.send(frame);
            }
        }
        served(event, task.getClass().getName(), keptReader || frame != null
                ? (outcome.failure() == null ? Outcome.OK : Outcome.FAILED) : Outcome.CANCELLED);
    }

    /** Arms the watchdog if it is not armed: it looks every millisecond while tasks run inline. */
    private void watch() {
        if (!watching.get() && watching.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            runtime.scheduler().schedule(this::check, WATCH_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            watching.set(false); // the node is closing
        }
    }

    private void check() {
        long now = System.nanoTime();
        long since = inlineSince.get();
        if (since > 0 && now - since > TimeUnit.MILLISECONDS.toNanos(PROMOTE_MILLIS)) {
            long id = inlineId;
            Thread thread = inlineThread;
            running.put(id, thread); // before the switch, so that the displaced run finds itself registered
            if (inlineSince.compareAndSet(since, DISPLACED)) {
                displaced.incrementAndGet();
                connection.startReader();
            } else {
                running.remove(id, thread);
            }
        }
        if (now - lastInline > WATCH_IDLE_NANOS && inlineSince.get() <= 0 || !connection.isOpen()) {
            watching.set(false);
            if (inlineSince.get() > 0 && connection.isOpen()) {
                watch(); // an inline run began as the watchdog stood down: it is watched all the same
            }
            return;
        }
        schedule();
    }

    /** The RESULT or FAILURE frame for a call, or {@code null} when even the failure cannot be encoded. */
    private byte[] answer(long id, Object result, Throwable failure) {
        try {
            return failure == null
                    ? Frames.withValue(Frames.RESULT, id, true, runtime.codec(), result, runtime.maxFrameSize())
                    : failureFrame(id, failure);
        } catch (IOException | KindlingException e) {
            try {
                return failureFrame(id, new KindlingException("The result of the task on " + runtime.name()
                        + " could not be sent: " + e, e));
            } catch (IOException | KindlingException unrecoverable) {
                LOG.log(Level.ERROR, "Cannot answer call " + id + " from " + peer, unrecoverable);
                return null;
            }
        }
    }

    private byte[] failureFrame(long id, Throwable failure) throws IOException {
        return Frames.failure(id, runtime.codec(), failure, RemoteFailure.copyOf(failure), runtime.maxFrameSize());
    }

    /** A CAST, on the reader thread: runs on a virtual thread; beyond the limit it is logged and dropped. */
    void cast(byte[] body) {
        if (running.size() + casts.incrementAndGet() > maxTasks) {
            casts.decrementAndGet();
            long now = System.nanoTime();
            if (now - lastRefusalLogged > TimeUnit.SECONDS.toNanos(1)) {
                lastRefusalLogged = now;
                LOG.log(Level.WARNING, "Refused a cast from " + peer + ": it already has " + maxTasks
                        + " tasks running here (kindling.tasks.max-per-peer); the cast did not run");
            }
            return;
        }
        Thread.ofVirtual().start(() -> runCast(body));
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

    /** A CANCEL: interrupts the call's task, which then sends no answer. */
    void cancel(long id) {
        Thread thread = running.remove(id);
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The connection closed: interrupts every task, the one its reader may be running inline too. */
    void closeAll() {
        for (Thread thread : running.values()) {
            thread.interrupt();
        }
        running.clear();
        Thread inline = inlineThread;
        if (inlineSince.get() > 0 && inline != null) {
            inline.interrupt();
        }
    }

    /**
     * Decodes a task and checks that the code it runs here is the code the caller fingerprinted.
     *
     * @throws IncompatibleCodeException if its class is missing here, or its code differs
     */
    private Object decodeTask(byte[] body, int offset) throws IOException, ClassNotFoundException {
        if (body.length < offset + 2) {
            throw new KindlingException("Malformed task from " + peer + ": no code fingerprint");
        }
        int length = Frames.readShort(body, offset);
        int start = offset + 2;
        if (length > CodeFingerprint.MAX_BYTES || start + length > body.length) {
            throw new KindlingException("Malformed task from " + peer + ": code fingerprint of " + length
                    + " bytes");
        }
        int taskAt = start + length;
        Object task;
        try {
            task = runtime.codec().decode(body, taskAt, body.length - taskAt, runtime.classLoader());
        } catch (ClassNotFoundException | InvalidClassException e) {
            CodeFingerprint theirs = fingerprint(body, start, length);
            throw new IncompatibleCodeException(runtime.name(), theirs.className(), theirs.method()
                    + theirs.descriptor(), theirs.digestHex(), "missing", e.toString());
        }
        if (task != null && !CodeFingerprint.matches(task, body, start, length)) {
            CodeFingerprint theirs = fingerprint(body, start, length);
            CodeFingerprint ours = CodeFingerprint.of(task);
            throw new IncompatibleCodeException(runtime.name(), ours.className(), ours.method() + ours.descriptor(),
                    theirs.digestHex(), ours.digestHex(), "");
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
}
