package io.kindling.core.pool;

import io.kindling.api.Durations;
import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.PoolTimeoutException;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RunnerLostException;
import io.kindling.api.Subscription;
import io.kindling.api.metrics.PoolMetrics;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.core.internal.Futures;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.pool.Placement;
import io.kindling.core.internal.pool.PoolRegistry;
import io.kindling.core.internal.pool.PoolSettings;
import io.kindling.core.internal.pool.PoolWiring;
import io.kindling.core.internal.pool.RunnerFleet;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A pool of runner nodes that boot on demand, run tasks, and stop when idle: Elixir's FLAME for Kindling.
 *
 * <pre>{@code
 * try (Pool pool = Pool.builder(node).name("thumbnails").backend("peer").max(10).start()) {
 *     byte[] thumbnail = pool.call(() -> Thumbnails.render(image));
 * }
 * }</pre>
 *
 * <h2>Placement</h2>
 * A call runs on the least-loaded runner with room ({@code maxConcurrency} calls each, default 100). When every
 * runner is full, the pool boots another while it is under {@code max} and the queued calls exceed what the
 * runners already booting will take; otherwise the call waits in FIFO order. The call timeout (default 30 s) covers
 * waiting and running; a {@link PoolTimeoutException} says which phase ran out, and, while boots fail, carries the
 * last boot error.
 *
 * <h2>Failure</h2>
 * A runner that dies or is cut off is removed, and every call on it fails at once with
 * {@link RunnerLostException} (with the exit code when a process exited). The pool itself never breaks because a
 * runner did: it boots replacements to keep {@code min}. A boot that fails is retried with backoff (100 ms doubling
 * to 5 s) while calls wait.
 *
 * <h2>Lifetime</h2>
 * {@code min} runners (default 0) boot at start; runners beyond {@code min} that stay idle for
 * {@code idleShutdownAfter} (default 30 s) are stopped. With {@code minIdleShutdownAfter}, the runners kept for
 * {@code min} stop too once idle that long, and the next call boots the pool back to {@code min}. With an
 * {@code idleShutdownCheck}, an idle runner is asked first and stops only when the check agrees. A runner holding
 * a {@link Tracked} resource is not idle. {@link #resize(int, int)} changes {@code min} and {@code max} while the
 * pool runs; a {@link io.kindling.api.spi.ScalingPolicy} (default {@code on-demand}: none ahead of demand) keeps
 * runners booted ahead of calls. {@link #shutdown()} refuses new calls, fails queued ones, lets running calls finish
 * within {@code shutdownTimeout} (default 30 s), then stops every runner.
 *
 * <h2>Configuration</h2>
 * Unset builder options come from the node's configuration under {@code kindling.pool.<name>.*}: {@code backend}
 * ({@code local}), {@code min}, {@code max}, {@code max-concurrency}, {@code boot-timeout}, {@code call-timeout},
 * {@code idle-shutdown-after}, {@code min-idle-shutdown-after}, {@code scaling-policy}, {@code scaling-interval},
 * {@code single-use}, {@code shutdown-timeout}, {@code extensions}; a named backend reads
 * {@code kindling.backend.<name>.*}, a named scaling policy {@code kindling.scaling-policy.<name>.*}.
 */
public final class Pool implements AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of(Pool.class.getName());

    private final PoolSettings settings;
    private final Listeners<PoolEvent> events;
    private final RunnerFleet fleet;
    private final Placement placement;
    private final Subscription monitor;
    private final Node node;
    private final PoolWiring wiring;

    Pool(Node node, PoolSettings settings, Backend backend, ScalingPolicy policy,
            List<Consumer<? super PoolEvent>> listeners) {
        this.settings = settings;
        this.node = node;
        this.events = new Listeners<>("kindling-pool-events-" + settings.name(), "pool " + settings.name());
        events.addAll(listeners);
        this.wiring = PoolWiring.create(node, settings, backend, policy, events);
        this.fleet = wiring.fleet();
        this.placement = wiring.placement();
        PoolRegistry.add(node, this); // before any runner boots: a name taken on this node fails here
        this.monitor = node.monitor(fleet::onNodeEvent);
        try {
            wiring.start();
        } catch (RuntimeException e) {
            monitor.close();
            PoolRegistry.remove(node, this);
            throw e;
        }
        LOG.log(Level.INFO, "Pool " + settings.name() + " started: min " + settings.min() + ", max " + settings.max()
                + ", " + settings.maxConcurrency() + " calls per runner, backend "
                + backend.getClass().getSimpleName());
    }

    /**
     * A builder for a pool whose runners connect back to this node.
     *
     * @param node the parent node; its configuration supplies unset options, its class loader finds the backend,
     *     and its cookie (from the same configuration) is given to the runners
     * @return the builder
     */
    public static PoolBuilder builder(Node node) {
        return new PoolBuilder(node);
    }

    /**
     * {@return the running pools whose parent is the node, in the order they started}
     *
     * @param node the parent
     */
    public static List<Pool> of(Node node) {
        return PoolRegistry.of(node);
    }

    /**
     * Adds a listener for the pool's events, besides the builder's.
     *
     * @param listener receives every later event, on the pool's event thread
     * @return a handle that removes it
     */
    public Subscription addListener(Consumer<? super PoolEvent> listener) {
        return events.add(listener);
    }

    /** {@return the pool's name} */
    public String name() {
        return settings.name();
    }

    /** {@return the runners up now} */
    public List<NodeName> runners() {
        return fleet.runnerNames();
    }

    /** {@return the minimum number of runners now: the builder's, or the last {@link #resize}'s} */
    public int min() {
        return fleet.min();
    }

    /** {@return the maximum number of runners now: the builder's, or the last {@link #resize}'s} */
    public int max() {
        return fleet.max();
    }

    /**
     * Changes the pool's bounds while it runs. A larger {@code min} boots runners at once. Over a smaller {@code max},
     * idle runners stop at once and busy ones take no new calls and stop when their calls end; no call is lost.
     *
     * @param min the new minimum
     * @param max the new maximum
     * @throws IllegalArgumentException unless {@code 0 <= min <= max} and {@code max >= 1}
     * @throws PoolShutdownException if the pool is shut down
     */
    public void resize(int min, int max) {
        fleet.resize(min, max);
    }

    /**
     * Asks the scaling policy now rather than at its next interval: for a policy that reads a signal of the
     * application's own, right after the signal changed.
     */
    public void rescale() {
        wiring.rescale();
    }

    /** {@return how many calls wait for room now} */
    public int queued() {
        return placement.queued();
    }

    /** {@return how many runners are booting now} */
    public int booting() {
        return fleet.bootingCount();
    }

    /** {@return the pool's metrics now: runners up, booting and busy, calls queued, boots and failed boots} */
    public PoolMetrics metrics() {
        return new PoolMetrics(name(), fleet.size(), fleet.bootingCount(), fleet.busyCount(), placement.queued(),
                fleet.boots(), fleet.bootFailures());
    }

    /**
     * Runs a task on a runner and waits for its result, within the pool's call timeout.
     *
     * @param task the task
     * @param <T> the result type
     * @return the task's result
     * @throws PoolTimeoutException if the call timeout ran out (the phase says where)
     * @throws RunnerLostException if the runner died mid-call
     * @throws io.kindling.api.RemoteExecutionException if the task threw (its cause has the remote stack)
     * @throws PoolShutdownException if the pool is shut down
     */
    public <T> T call(RemoteCallable<T> task) {
        return call(task, settings.callTimeout());
    }

    /**
     * Runs a task on a runner with its own timeout.
     *
     * @param task the task
     * @param timeout covers waiting for room and running
     * @param <T> the result type
     * @return the task's result
     * @throws PoolTimeoutException if the timeout ran out (the phase says where)
     * @throws RunnerLostException if the runner died mid-call
     * @throws io.kindling.api.RemoteExecutionException if the task threw
     * @throws PoolShutdownException if the pool is shut down
     */
    public <T> T call(RemoteCallable<T> task, Duration timeout) {
        return Futures.awaitTimed(callAsync(task, timeout), timeout, "Call on pool " + name(),
                () -> new PoolTimeoutException(name(), PoolTimeoutException.Phase.RUNNING, timeout, "", null));
    }

    /**
     * Runs a task on a runner without waiting, within the pool's call timeout.
     *
     * @param task the task
     * @param <T> the result type
     * @return completes with the result or the same exceptions {@link #call} throws; cancelling it cancels the
     *     call (the remote task is interrupted)
     */
    public <T> CompletableFuture<T> callAsync(RemoteCallable<T> task) {
        return callAsync(task, settings.callTimeout());
    }

    /**
     * Runs a task on a runner without waiting.
     *
     * @param task the task
     * @param timeout covers waiting for room and running
     * @param <T> the result type
     * @return completes with the result or the same exceptions {@link #call} throws
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> callAsync(RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Durations.requirePositive(timeout, "timeout");
        Placement.PendingCall call = new Placement.PendingCall(task, timeout, false);
        placement.submit(call);
        return (CompletableFuture<T>) (CompletableFuture<?>) call.result();
    }

    /**
     * Runs a task on a runner without a result; a failure is logged. Unlike a call, a cast is not bounded by the call
     * timeout (as FLAME's {@code cast}): it waits for room and runs as long as it takes, while the pool runs; shutting
     * the pool down ends it.
     *
     * @param task the task
     */
    public void cast(RemoteRunnable task) {
        Objects.requireNonNull(task, "task");
        callAsync(() -> {
            task.run();
            return null;
        }, Placement.UNBOUNDED).whenComplete((ignored, e) -> {
            if (e != null) {
                Throwable cause = Futures.unwrap(e);
                LOG.log(Level.WARNING, "A cast on pool " + name() + " failed: " + cause.getMessage(), cause);
            }
        });
    }

    /**
     * Starts a long-lived service on a runner: it holds a slot, and keeps its runner from idle shutdown, until it
     * returns, {@link PlacedChild#stop()} is called (the service's thread is interrupted), or the pool shuts down.
     * Waits for a slot within the call timeout.
     *
     * @param service runs until interrupted
     * @return the placed service
     * @throws PoolTimeoutException if no slot was free within the call timeout
     * @throws PoolShutdownException if the pool is shut down
     */
    public PlacedChild placeChild(RemoteRunnable service) {
        Objects.requireNonNull(service, "service");
        Duration timeout = settings.callTimeout();
        Placement.PendingCall call = new Placement.PendingCall(() -> {
            service.run();
            return null;
        }, timeout, true);
        // An interrupted wait cancels the placement, and so the call.
        call.placed().whenComplete((r, e) -> {
            if (call.placed().isCancelled()) {
                call.result().cancel(true);
            }
        });
        placement.submit(call);
        NodeName runner = Futures.awaitTimed(call.placed(), timeout, "Placing a child on pool " + name(), () -> {
            call.result().cancel(true);
            return new PoolTimeoutException(name(), PoolTimeoutException.Phase.QUEUED, timeout, "", null);
        });
        return new PlacedChild(runner, call.result());
    }

    /**
     * Refuses new calls, fails queued ones with {@link PoolShutdownException}, waits up to the shutdown timeout
     * for running calls, stops placed children and every runner, and closes the backend. Calling it again does
     * nothing.
     */
    public void shutdown() {
        if (!fleet.beginShutdown()) {
            return;
        }
        placement.dropQueued();
        monitor.close();
        fleet.stopAll();
        events.shutdown();
        PoolRegistry.remove(node, this);
        LOG.log(Level.INFO, "Pool " + name() + " shut down");
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    @Override
    public String toString() {
        return "Pool[" + name() + ", " + fleet.size() + " runners, " + fleet.bootingCount() + " booting, "
                + placement.queued() + " queued]";
    }
}
