package io.kindling.core.internal.cluster;

import io.kindling.api.KindlingException;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.Threads;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a cluster refreshes: once at start, then every poll interval, at once when the strategy reports a change,
 * and when asked; never while paused (but when asked); never after shutdown. Every refresh runs on the loop's one
 * timer thread, restarts the interval, and is reported as {@link ClusterEvent.Refreshed}.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RefreshLoop {

    private static final System.Logger LOG = LazyLogger.of(RefreshLoop.class.getName());

    private final String cluster;
    private final Duration pollInterval;
    private final Refresher refresher;
    private final Listeners<ClusterEvent> events;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean changePending = new AtomicBoolean();
    private volatile Thread timerThread;
    // Guarded by "this".
    private ScheduledFuture<?> nextPoll;
    private boolean paused;
    private boolean shutDown;

    /**
     * @param cluster the cluster's name, for thread names and messages
     * @param pollInterval the time between refreshes
     * @param refresher does each refresh
     * @param events where the results go
     */
    public RefreshLoop(String cluster, Duration pollInterval, Refresher refresher, Listeners<ClusterEvent> events) {
        this.cluster = cluster;
        this.pollInterval = pollInterval;
        this.refresher = refresher;
        this.events = events;
        this.timer = Threads.timer("kindling-cluster-" + cluster);
    }

    /** Runs the first refresh now, on the timer thread; the next ones follow every poll interval. */
    public void start() {
        execute(() -> refreshAndRearm(true));
    }

    /**
     * Refreshes now, after a refresh already under way, and waits for the result; restarts the interval.
     *
     * @param bound how long to wait
     * @param strategyName the strategy's name, for the message when it is stuck
     * @return the result
     * @throws IllegalStateException if called on the loop's own thread (from a strategy hook), when shut down, or
     *     when shut down during the refresh
     * @throws KindlingException if interrupted, or the refresh did not end within the bound
     */
    public RefreshResult refreshNow(Duration bound, String strategyName) {
        if (Thread.currentThread() == timerThread) {
            throw new IllegalStateException("refresh() called from the cluster's own thread (from a strategy "
                    + "hook); call the onChange trigger instead");
        }
        Future<RefreshResult> future;
        synchronized (this) {
            if (shutDown) {
                throw new IllegalStateException("Cluster " + cluster + " is shut down");
            }
            future = timer.submit(() -> refreshAndRearm(true));
        }
        try {
            return Futures.await(future, bound, "Refresh of cluster " + cluster, () -> new KindlingException(
                    "Refresh of cluster " + cluster + " did not finish within " + bound.toMillis() + " ms: strategy "
                            + strategyName + " is stuck"));
        } catch (KindlingException e) {
            if (e.getCause() instanceof CancellationException cancelled) {
                throw new IllegalStateException("Cluster " + cluster + " shut down during the refresh", cancelled);
            }
            throw e;
        }
    }

    /** A change was reported: refresh soon, once for any number of reports meanwhile, unless paused. */
    public void requestRefresh() {
        if (changePending.compareAndSet(false, true)) {
            execute(() -> {
                changePending.set(false);
                if (!isPaused()) {
                    refreshAndRearm(true);
                }
            });
        }
    }

    /**
     * Stops polling.
     *
     * @return whether it was polling (not paused, not shut down)
     */
    public synchronized boolean pause() {
        if (paused || shutDown) {
            return false;
        }
        paused = true;
        cancelPoll();
        return true;
    }

    /**
     * Polls again, starting with a refresh now; {@code onResumed} runs first, so its event comes before the
     * refresh's.
     *
     * @param onResumed run when the loop was paused
     */
    public synchronized void resume(Runnable onResumed) {
        if (!paused || shutDown) {
            return;
        }
        paused = false;
        onResumed.run();
        execute(() -> refreshAndRearm(true));
    }

    /** {@return whether polling is paused} */
    public synchronized boolean isPaused() {
        return paused;
    }

    /** {@return whether the loop was shut down} */
    public synchronized boolean isShutDown() {
        return shutDown;
    }

    /**
     * Stops polling for good.
     *
     * @return false when it was shut down already
     */
    public synchronized boolean beginShutdown() {
        if (shutDown) {
            return false;
        }
        shutDown = true;
        cancelPoll();
        return true;
    }

    /**
     * Waits for a refresh under way to end (the caller has interrupted it), up to the bound, then stops the timer.
     * From the loop's own thread it does not wait.
     *
     * @param bound how long to wait
     */
    public void awaitStop(Duration bound) {
        timer.shutdown();
        if (Thread.currentThread() != timerThread) {
            try {
                if (!timer.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.log(Level.WARNING, "Cluster " + cluster + ": a refresh is still running at shutdown");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }

    /** Stops the timer without waiting: the loop never started, or runs no more refreshes. */
    public void stopNow() {
        timer.shutdownNow();
    }

    private void execute(Runnable task) {
        try {
            timer.execute(task);
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    private RefreshResult refreshAndRearm(boolean prune) {
        timerThread = Thread.currentThread();
        RefreshResult result;
        try {
            result = refresher.refreshSafely(prune, this::isShutDown);
        } finally {
            synchronized (this) {
                cancelPoll();
                if (!paused && !shutDown) {
                    nextPoll = timer.schedule(() -> refreshAndRearm(true), pollInterval.toNanos(),
                            TimeUnit.NANOSECONDS);
                }
            }
        }
        events.emit(new ClusterEvent.Refreshed(cluster, result));
        return result;
    }

    private synchronized void cancelPoll() {
        if (nextPoll != null) {
            nextPoll.cancel(false);
            nextPoll = null;
        }
    }
}
