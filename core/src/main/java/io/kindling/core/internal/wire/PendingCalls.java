package io.kindling.core.internal.wire;

import io.kindling.api.NodeName;
import io.kindling.api.RpcTimeoutException;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.jfr.CallOutEvent;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.metrics.LatencyHistogram;
import io.kindling.core.internal.metrics.Outcome;
import io.kindling.core.internal.metrics.PeerMeters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;

/**
 * The calls and pings of one connection awaiting their answer: their table by id, and their deadlines.
 *
 * <p>Ids come from a counter, so a slot array indexed by the id's low bits holds the calls without hashing or a
 * shared size counter; an id whose slot is taken (more than {@value #SLOTS} outstanding) goes to an overflow map.
 * Timeouts need no timer task per call: one expiry sweep on the node's timer is set for the earliest deadline.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class PendingCalls {

    static final int SLOTS = 4096;
    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(Call.class, "settled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final NodeName peer;
    private final ScheduledExecutorService timer;
    private final LongConsumer cancelRemotely;
    private final PeerMeters meters;
    private final LatencyHistogram latency;
    private final AtomicReferenceArray<Call> slots = new AtomicReferenceArray<>(SLOTS);
    private final Map<Long, Call> overflow = new ConcurrentHashMap<>();
    /** When the timer next looks for expired calls; {@code Long.MAX_VALUE} when it is not set. */
    private final AtomicLong nextExpiry = new AtomicLong(Long.MAX_VALUE);

    /**
     * @param peer the peer, for timeout messages
     * @param timer the node's timer
     * @param cancelRemotely tells the peer to stop the task of a call id (when the connection is still open)
     * @param meters the connection's counts, where each call's outcome is counted
     * @param latency the node's round-trip histogram
     */
    PendingCalls(NodeName peer, ScheduledExecutorService timer, LongConsumer cancelRemotely, PeerMeters meters,
            LatencyHistogram latency) {
        this.peer = peer;
        this.timer = timer;
        this.cancelRemotely = cancelRemotely;
        this.meters = meters;
        this.latency = latency;
    }

    /**
     * A call or ping awaiting its answer. Whoever ends it first wins: the answer (the reader removes it from the
     * table first), the timeout, a cancel by the caller, or the connection closing. When the caller's side ends a
     * call still pending, the peer is told to stop the task. It completes by its own deadline, so waiting on it
     * needs no timer ({@link Futures.Deadlined}).
     */
    final class Call extends CompletableFuture<Object> implements Futures.Deadlined {
        final long id;
        final long deadline;
        final Duration timeout;
        final String what;
        final boolean remoteTask;
        private final long started;
        /** Set by whoever ends the call (see {@link #settle()}). */
        @SuppressWarnings("unused")
        private volatile boolean settled;
        /** The JFR event of a call, when a recording wants it. */
        private CallOutEvent event;

        private Call(long id, Duration timeout, String what, boolean remoteTask) {
            this.id = id;
            this.timeout = timeout;
            this.started = System.nanoTime();
            this.deadline = started + timeout.toNanos();
            this.what = what;
            this.remoteTask = remoteTask;
        }

        /** Starts the call's JFR event, when a recording wants it; before the call is sent. */
        void trace(String taskClass, long requestBytes) {
            if (Jfr.on() && CallOutEvent.wanted()) {
                CallOutEvent traced = new CallOutEvent();
                traced.begin();
                traced.peer = peer.toString();
                traced.taskClass = taskClass;
                traced.requestBytes = requestBytes;
                event = traced;
            }
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            if (!settle()) {
                return false;
            }
            ended(Outcome.of(error));
            super.completeExceptionally(error);
            abandoned();
            return true;
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            if (!settle()) {
                return false;
            }
            ended(Outcome.CANCELLED);
            super.cancel(mayInterrupt);
            abandoned();
            return true;
        }

        @Override
        public boolean complete(Object value) {
            if (!settle()) {
                return false;
            }
            ended(Outcome.OK);
            super.complete(value);
            abandoned();
            return true;
        }

        /**
         * Decides who ends the call: the first of the answer, the timeout, a cancel, the connection closing. The
         * winner counts the outcome before the future completes, so a caller that wakes sees it counted.
         */
        private boolean settle() {
            return SETTLED.compareAndSet(this, false, true);
        }

        /** Counts the outcome of a call (not a ping) and its round trip, and commits its event. */
        private void ended(Outcome outcome) {
            if (!remoteTask) {
                return;
            }
            meters.out.count(outcome);
            latency.record(System.nanoTime() - started);
            CallOutEvent traced = event;
            if (traced != null) {
                traced.outcome = outcome.name();
                traced.commit();
            }
        }

        private void abandoned() {
            if (remove(this) && remoteTask) {
                cancelRemotely.accept(id);
            }
        }
    }

    /**
     * Registers a call and sets its deadline.
     *
     * @param id its id
     * @param timeout how long until it fails with {@link RpcTimeoutException}
     * @param what "Call" or "Ping", for the timeout's message
     * @param remoteTask whether a task runs for it on the peer, to be stopped when the caller gives up
     * @return the call
     */
    Call open(long id, Duration timeout, String what, boolean remoteTask) {
        Call call = new Call(id, timeout, what, remoteTask);
        if (!slots.compareAndSet(slot(id), null, call)) {
            overflow.put(id, call);
        }
        expireAt(call.deadline);
        return call;
    }

    /** {@return the call of that id, removed, or {@code null}} */
    Call remove(long id) {
        int slot = slot(id);
        Call call = slots.get(slot);
        if (call != null && call.id == id && slots.compareAndSet(slot, call, null)) {
            return call;
        }
        return overflow.isEmpty() ? null : overflow.remove(id);
    }

    private boolean remove(Call call) {
        return slots.compareAndSet(slot(call.id), call, null) || overflow.remove(call.id, call);
    }

    /** {@return whether none is pending; scans, so for timers, not for every call} */
    boolean isEmpty() {
        if (!overflow.isEmpty()) {
            return false;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fails every pending call.
     *
     * @param error what they fail with
     */
    void failAll(Throwable error) {
        for (Call call : values()) {
            call.completeExceptionally(error);
        }
    }

    private List<Call> values() {
        List<Call> all = new ArrayList<>(overflow.values());
        for (int i = 0; i < SLOTS; i++) {
            Call call = slots.get(i);
            if (call != null) {
                all.add(call);
            }
        }
        return all;
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
                    timer.schedule(this::expire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    // the node is closing; closing the connection fails what is pending
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
        for (Call call : values()) {
            if (call.deadline - now <= 0) {
                call.completeExceptionally(new RpcTimeoutException(peer, call.timeout, call.what));
            } else {
                earliest = Math.min(earliest, call.deadline);
            }
        }
        if (earliest != Long.MAX_VALUE) {
            expireAt(earliest);
        }
    }

    private static int slot(long id) {
        return (int) id & (SLOTS - 1);
    }
}
