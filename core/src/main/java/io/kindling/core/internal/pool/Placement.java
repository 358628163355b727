package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeName;
import io.kindling.api.NodeUnreachableException;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.PoolTimeoutException;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.RunnerLostException;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.jfr.PoolQueueWaitEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts a pool's calls on its runners: the least-loaded runner with room, else a FIFO queue while the
 * {@link RunnerFleet} boots more. A call that never reached a vanished runner goes back to the head of the queue;
 * one whose runner died fails with {@link RunnerLostException}. Shares the fleet's monitor.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Placement {

    /** No bound in practice (a century): a placed child's run, and a cast's wait and run (as FLAME's). */
    public static final Duration UNBOUNDED = Duration.ofDays(365L * 100);

    private final Node node;
    private final PoolSettings settings;
    private final RunnerFleet fleet;
    private final ScheduledExecutorService timer;
    /** Guarded by the fleet's monitor. */
    private final ArrayDeque<PendingCall> queue = new ArrayDeque<>();

    /** A call: waiting in the queue, then running on a runner. */
    public static final class PendingCall {
        final RemoteCallable<?> task;
        final Duration timeout;
        final long deadline;
        final boolean child;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final CompletableFuture<NodeName> placed = new CompletableFuture<>();
        ScheduledFuture<?> expiry;
        volatile CompletableFuture<?> running;
        /** Its wait's JFR event, when a recording wants one. */
        private final PoolQueueWaitEvent waited;

        /**
         * @param task the task
         * @param timeout covers waiting and running; for a child, only waiting
         * @param child whether it is a placed child (runs until stopped)
         */
        public PendingCall(RemoteCallable<?> task, Duration timeout, boolean child) {
            this.task = task;
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.child = child;
            this.waited = Jfr.on() && PoolQueueWaitEvent.wanted() ? new PoolQueueWaitEvent() : null;
            if (waited != null) {
                waited.begin();
            }
        }

        /** {@return completes with the call's result or failure; cancelling it cancels the call} */
        public CompletableFuture<Object> result() {
            return result;
        }

        /** {@return completes with the runner once the call is placed} */
        public CompletableFuture<NodeName> placed() {
            return placed;
        }
    }

    Placement(Node node, PoolSettings settings, RunnerFleet fleet, ScheduledExecutorService timer) {
        this.node = node;
        this.settings = settings;
        this.fleet = fleet;
        this.timer = timer;
    }

    /** {@return how many calls wait for room} */
    public int queued() {
        synchronized (fleet) {
            return queue.size();
        }
    }

    /**
     * Queues a call and places what can be placed.
     *
     * @param call the call
     */
    public void submit(PendingCall call) {
        synchronized (fleet) {
            if (fleet.shutDown) {
                fail(call, new PoolShutdownException("Pool " + settings.name() + " is shut down"));
                return;
            }
            fleet.callArrived();
            queue.add(call);
            call.expiry = timer.schedule(() -> expire(call), call.timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        // Cancelling the caller's future cancels the call: queued, it leaves the queue; running, the remote task
        // is interrupted.
        call.result.whenComplete((v, e) -> {
            if (call.result.isCancelled()) {
                synchronized (fleet) {
                    queue.remove(call);
                }
                CompletableFuture<?> running = call.running;
                if (running != null) {
                    running.cancel(true);
                }
            }
        });
        dispatch();
    }

    /** Places queued calls on runners with room, and has the fleet boot for the rest. */
    void dispatch() {
        List<Runnable> starts = new ArrayList<>();
        synchronized (fleet) {
            if (fleet.shutDown) {
                return;
            }
            while (!queue.isEmpty()) {
                RunnerFleet.RunnerSlot slot = fleet.leastLoaded();
                if (slot == null) {
                    break;
                }
                PendingCall call = queue.poll();
                if (call.result.isDone()) {
                    continue;
                }
                slot.active++;
                slot.used = true;
                if (call.child) {
                    slot.children++;
                }
                starts.add(() -> run(call, slot));
            }
            fleet.growFor(queue.size());
        }
        starts.forEach(Runnable::run);
    }

    /** Fails every queued call: the pool is shutting down. */
    public void dropQueued() {
        List<PendingCall> dropped;
        synchronized (fleet) {
            dropped = new ArrayList<>(queue);
            queue.clear();
        }
        for (PendingCall call : dropped) {
            fail(call, new PoolShutdownException("Pool " + settings.name()
                    + " shut down before the call found a runner"));
        }
    }

    private void run(PendingCall call, RunnerFleet.RunnerSlot slot) {
        long left = call.deadline - System.nanoTime();
        if (!call.child && left <= 0) {
            release(call, slot);
            fail(call, new PoolTimeoutException(settings.name(), PoolTimeoutException.Phase.QUEUED, call.timeout, "",
                    null));
            return;
        }
        if (call.expiry != null) {
            call.expiry.cancel(false);
        }
        CompletableFuture<Object> remote;
        try {
            @SuppressWarnings("unchecked")
            RemoteCallable<Object> task = (RemoteCallable<Object>) call.task;
            remote = node.callAsync(slot.name, task, call.child ? UNBOUNDED : Duration.ofNanos(left));
        } catch (RuntimeException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        call.running = remote;
        call.placed.complete(slot.name);
        if (call.waited != null) {
            call.waited.pool = settings.name();
            call.waited.runner = slot.name.toString();
            call.waited.commit();
        }
        if (call.result.isCancelled()) {
            remote.cancel(true);
        }
        remote.whenComplete((value, error) -> finished(call, slot, value, error));
    }

    private void finished(PendingCall call, RunnerFleet.RunnerSlot slot, Object value, Throwable error) {
        Throwable cause = error == null ? null : Futures.unwrap(error);
        if (cause instanceof NodeUnreachableException && !call.child && requeue(call)) {
            // The runner went away between placement and sending: the task never ran, so another runner takes it.
            release(call, slot);
            fleet.runnerGone(slot.name, "unreachable: " + cause.getMessage(), slot.handle);
            return;
        }
        release(call, slot);
        if (error == null) {
            call.result.complete(value);
            return;
        }
        if (cause instanceof NodeDownException down && !(cause instanceof RunnerLostException)) {
            slot.handle.onExit().completeOnTimeout(null, RunnerFleet.EXIT_CODE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                    .whenComplete((exit, e) -> fail(call, new RunnerLostException(slot.name, settings.name(),
                            reason(down), exit == null ? OptionalInt.empty() : exit.exitCode())));
        } else if (cause instanceof RpcTimeoutException timeout) {
            fail(call, new PoolTimeoutException(settings.name(), PoolTimeoutException.Phase.RUNNING, call.timeout,
                    "", timeout));
        } else if (!(cause instanceof CancellationException)) {
            fail(call, cause);
        }
    }

    /** Puts a call that never reached its runner back at the head of the queue, if it has time left. */
    private boolean requeue(PendingCall call) {
        long left = call.deadline - System.nanoTime();
        synchronized (fleet) {
            if (fleet.shutDown || left <= 0 || call.result.isDone()) {
                return false;
            }
            call.running = null;
            queue.addFirst(call);
            call.expiry = timer.schedule(() -> expire(call), left, TimeUnit.NANOSECONDS);
            return true;
        }
    }

    private void release(PendingCall call, RunnerFleet.RunnerSlot slot) {
        fleet.released(slot, call.child);
        dispatch();
    }

    private void expire(PendingCall call) {
        boolean wasQueued;
        synchronized (fleet) {
            wasQueued = queue.remove(call);
        }
        if (wasQueued) {
            PoolTimeoutException.Phase phase = fleet.bootTrouble() ? PoolTimeoutException.Phase.BOOTING
                    : PoolTimeoutException.Phase.QUEUED;
            fail(call, new PoolTimeoutException(settings.name(), phase, call.timeout, fleet.waitingDetail(), null));
        }
    }

    private static void fail(PendingCall call, Throwable error) {
        call.result.completeExceptionally(error);
        call.placed.completeExceptionally(error);
    }

    private static String reason(NodeDownException down) {
        String message = down.getMessage();
        String prefix = "Node " + down.node() + " went down: ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
