package io.kindling.core;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeDownException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.NodeUnreachableException;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.PoolTimeoutException;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.RunnerLostException;
import io.kindling.api.Subscription;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.BackendProvider;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code idleShutdownAfter} (default 30 s) are stopped. {@link #shutdown()} refuses new calls, fails queued ones,
 * lets running calls finish within {@code shutdownTimeout} (default 30 s), then stops every runner.
 *
 * <h2>Configuration</h2>
 * Unset builder options come from the node's configuration under {@code kindling.pool.<name>.*}: {@code backend}
 * ({@code local}), {@code min}, {@code max}, {@code max-concurrency}, {@code boot-timeout}, {@code call-timeout},
 * {@code idle-shutdown-after}, {@code single-use}, {@code shutdown-timeout}, {@code extensions}; a named backend
 * reads {@code kindling.backend.<name>.*}.
 */
public final class Pool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Pool.class.getName());
    private static final Duration CHILD_TIMEOUT = Duration.ofDays(365L * 100);
    private static final long MAX_BOOT_BACKOFF_MILLIS = 5000;
    private static final AtomicLong RUNNER_IDS = new AtomicLong();

    private final KindlingNode node;
    private final String name;
    private final Backend backend;
    private final int min;
    private final int max;
    private final int maxConcurrency;
    private final Duration bootTimeout;
    private final Duration callTimeout;
    private final Duration idleShutdownAfter;
    private final boolean singleUse;
    private final Duration shutdownTimeout;
    private final Map<String, String> env;
    private final List<String> extensions;
    private final List<Consumer<? super PoolEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService events;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final Subscription monitor;

    // Guarded by "this".
    private final Map<NodeName, Slot> runners = new LinkedHashMap<>();
    private final Map<NodeName, CompletableFuture<Void>> booting = new LinkedHashMap<>();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private String lastBootError;
    private int bootFailuresInRow;
    private ScheduledFuture<?> bootRetry;
    private boolean shutDown;

    /** A runner that is up. */
    private static final class Slot {
        final NodeName name;
        final RunnerHandle handle;
        int active;
        int children;
        boolean used;
        long idleSince = System.nanoTime();

        Slot(NodeName name, RunnerHandle handle) {
            this.name = name;
            this.handle = handle;
        }
    }

    /** A call waiting for, or running on, a runner. */
    private static final class Waiter {
        final RemoteCallable<?> task;
        final Duration timeout;
        final long deadline;
        final boolean child;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final CompletableFuture<NodeName> placed = new CompletableFuture<>();
        ScheduledFuture<?> expiry;
        volatile CompletableFuture<?> running;

        Waiter(RemoteCallable<?> task, Duration timeout, boolean child) {
            this.task = task;
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.child = child;
        }
    }

    private Pool(Builder b, Backend backend, Config config) {
        this.node = b.node;
        this.name = b.name;
        this.backend = backend;
        Config scoped = config.scoped("kindling.pool." + b.name);
        this.min = b.min != null ? b.min : scoped.getInt("min", 0);
        Integer configuredMax = b.max != null ? b.max
                : scoped.get("max").filter(v -> !v.isBlank()).map(v -> scoped.getInt("max", 0)).orElse(null);
        if (configuredMax == null) {
            throw new ConfigException(scoped.fullKey("max"), "Pool " + name + " needs a maximum number of runners: "
                    + "call max(n) on the builder or set " + scoped.fullKey("max"));
        }
        this.max = configuredMax;
        this.maxConcurrency = b.maxConcurrency != null ? b.maxConcurrency : scoped.getInt("max-concurrency", 100);
        this.bootTimeout = duration(b.bootTimeout, scoped, "boot-timeout", Duration.ofSeconds(30));
        this.callTimeout = duration(b.callTimeout, scoped, "call-timeout", Duration.ofSeconds(30));
        this.idleShutdownAfter = duration(b.idleShutdownAfter, scoped, "idle-shutdown-after", Duration.ofSeconds(30));
        this.shutdownTimeout = duration(b.shutdownTimeout, scoped, "shutdown-timeout", Duration.ofSeconds(30));
        this.singleUse = b.singleUse != null ? b.singleUse : scoped.getBoolean("single-use", false);
        this.env = Map.copyOf(b.env);
        this.extensions = b.extensions != null ? List.copyOf(b.extensions) : scoped.getList("extensions");
        if (min < 0 || max < 1 || min > max) {
            throw new ConfigException(scoped.fullKey("max"), "Pool " + name + ": need 0 <= min <= max and max >= 1, "
                    + "not min = " + min + ", max = " + max);
        }
        if (maxConcurrency < 1) {
            throw new ConfigException(scoped.fullKey("max-concurrency"), "Pool " + name + ": maxConcurrency must be "
                    + "at least 1, not " + maxConcurrency);
        }
        this.listeners.addAll(b.listeners);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                .name("kindling-pool-" + name).factory());
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.events = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("kindling-pool-events-" + name)
                .factory());
        this.monitor = node.monitor(this::onNodeEvent);
    }

    /**
     * A builder for a pool whose runners connect back to this node.
     *
     * @param node the parent node
     * @return the builder
     */
    public static Builder builder(KindlingNode node) {
        return new Builder(node);
    }

    /** {@return the pool's name} */
    public String name() {
        return name;
    }

    /** {@return the runners up now} */
    public synchronized List<NodeName> runners() {
        return List.copyOf(runners.keySet());
    }

    /** {@return how many calls wait for room now} */
    public synchronized int queued() {
        return queue.size();
    }

    /** {@return how many runners are booting now} */
    public synchronized int booting() {
        return booting.size();
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
        return call(task, callTimeout);
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
        CompletableFuture<T> future = callAsync(task, timeout);
        try {
            // The future has its own timers; this bound only guards against a lost completion.
            return future.get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new KindlingException("Call on pool " + name + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new KindlingException("Call on pool " + name + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PoolTimeoutException(name, PoolTimeoutException.Phase.RUNNING, timeout, "", e);
        }
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
        return callAsync(task, callTimeout);
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
        requirePositive(timeout);
        Waiter waiter = new Waiter(task, timeout, false);
        submit(waiter);
        CompletableFuture<T> result = (CompletableFuture<T>) (CompletableFuture<?>) waiter.result;
        return result;
    }

    /**
     * Runs a task on a runner without a result; a failure is logged.
     *
     * @param task the task
     */
    public void cast(RemoteRunnable task) {
        Objects.requireNonNull(task, "task");
        callAsync(() -> {
            task.run();
            return null;
        }).whenComplete((ignored, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "A cast on pool " + name + " failed: " + unwrap(e).getMessage(), unwrap(e));
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
        Waiter waiter = new Waiter(() -> {
            service.run();
            return null;
        }, callTimeout, true);
        submit(waiter);
        try {
            NodeName runner = waiter.placed.get(callTimeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
            return new PlacedChild(runner, waiter.result);
        } catch (InterruptedException e) {
            waiter.result.cancel(true);
            Thread.currentThread().interrupt();
            throw new KindlingException("Placing a child on pool " + name + " interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new KindlingException(e.getMessage(), e);
        } catch (TimeoutException e) {
            waiter.result.cancel(true);
            throw new PoolTimeoutException(name, PoolTimeoutException.Phase.QUEUED, callTimeout, "", e);
        }
    }

    /** A service placed with {@link #placeChild}. */
    public static final class PlacedChild {
        private final NodeName runner;
        private final CompletableFuture<Object> done;

        private PlacedChild(NodeName runner, CompletableFuture<Object> done) {
            this.runner = runner;
            this.done = done;
        }

        /** {@return the runner it runs on} */
        public NodeName runner() {
            return runner;
        }

        /** {@return completes when the service ends: normally, with its failure, or cancelled by a stop} */
        public CompletableFuture<Void> done() {
            return done.handle((v, e) -> null);
        }

        /** {@return whether it still runs} */
        public boolean isRunning() {
            return !done.isDone();
        }

        /** Stops the service (interrupts its thread on the runner) and frees its slot. */
        public void stop() {
            done.cancel(true);
        }
    }

    /**
     * Refuses new calls, fails queued ones with {@link PoolShutdownException}, waits up to the shutdown timeout
     * for running calls, stops placed children and every runner, and closes the backend. Calling it again does
     * nothing.
     */
    public void shutdown() {
        List<Waiter> dropped;
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            if (bootRetry != null) {
                bootRetry.cancel(false);
            }
        }
        for (Waiter waiter : dropped) {
            fail(waiter, new PoolShutdownException("Pool " + name + " shut down before the call found a runner"));
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        synchronized (this) {
            while (runners.values().stream().anyMatch(s -> s.active > s.children) && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<Slot> stopping;
        synchronized (this) {
            stopping = new ArrayList<>(runners.values());
            runners.clear();
        }
        monitor.close();
        List<CompletableFuture<?>> stops = new ArrayList<>();
        for (Slot slot : stopping) {
            stops.add(CompletableFuture.runAsync(() -> slot.handle.stop(Duration.ofSeconds(5)), work));
            emit(new PoolEvent.Shrank(name, slot.name, "pool shut down", 0));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Pool " + name + ": stopping runners: " + e);
        }
        timer.shutdownNow();
        work.shutdownNow();
        try {
            backend.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Pool " + name + ": the backend failed to close", e);
        }
        events.shutdown();
        LOG.log(Level.INFO, "Pool " + name + " shut down");
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    @Override
    public synchronized String toString() {
        return "Pool[" + name + ", " + runners.size() + " runners, " + booting.size() + " booting, " + queue.size()
                + " queued]";
    }

    // ---- placement ----

    private void submit(Waiter waiter) {
        synchronized (this) {
            if (shutDown) {
                waiter.result.completeExceptionally(new PoolShutdownException("Pool " + name + " is shut down"));
                waiter.placed.completeExceptionally(waiter.result.exceptionNow());
                return;
            }
            queue.add(waiter);
            waiter.expiry = timer.schedule(() -> expire(waiter), waiter.timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        // Cancelling the caller's future cancels the call: queued, it leaves the queue; running, the remote task
        // is interrupted.
        waiter.result.whenComplete((v, e) -> {
            if (waiter.result.isCancelled()) {
                synchronized (this) {
                    queue.remove(waiter);
                }
                CompletableFuture<?> running = waiter.running;
                if (running != null) {
                    running.cancel(true);
                }
            }
        });
        dispatch();
    }

    private void dispatch() {
        List<Runnable> starts = new ArrayList<>();
        synchronized (this) {
            if (shutDown) {
                return;
            }
            while (!queue.isEmpty()) {
                Slot slot = leastLoaded();
                if (slot == null) {
                    break;
                }
                Waiter waiter = queue.poll();
                if (waiter.result.isDone()) {
                    continue;
                }
                slot.active++;
                slot.used = true;
                if (waiter.child) {
                    slot.children++;
                }
                starts.add(() -> run(waiter, slot));
            }
            int coming = booting.size() * (singleUse ? 1 : maxConcurrency);
            while (queue.size() > coming && runners.size() + booting.size() < max && bootRetry == null) {
                startBoot();
                coming += singleUse ? 1 : maxConcurrency;
            }
        }
        starts.forEach(Runnable::run);
    }

    private Slot leastLoaded() {
        Slot best = null;
        int limit = singleUse ? 1 : maxConcurrency;
        for (Slot slot : runners.values()) {
            if (slot.active < limit && !(singleUse && slot.used) && (best == null || slot.active < best.active)) {
                best = slot;
            }
        }
        return best;
    }

    private void run(Waiter waiter, Slot slot) {
        long left = waiter.deadline - System.nanoTime();
        if (!waiter.child && left <= 0) {
            release(waiter, slot);
            fail(waiter, new PoolTimeoutException(name, PoolTimeoutException.Phase.QUEUED, waiter.timeout, "", null));
            return;
        }
        if (waiter.expiry != null) {
            waiter.expiry.cancel(false);
        }
        CompletableFuture<Object> call;
        try {
            @SuppressWarnings("unchecked")
            RemoteCallable<Object> task = (RemoteCallable<Object>) waiter.task;
            call = node.callAsync(slot.name, task, waiter.child ? CHILD_TIMEOUT : Duration.ofNanos(left));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        waiter.running = call;
        waiter.placed.complete(slot.name);
        if (waiter.result.isCancelled()) {
            call.cancel(true);
        }
        call.whenComplete((value, error) -> {
            Throwable cause = error == null ? null : unwrap(error);
            if (cause instanceof NodeUnreachableException && !waiter.child && requeue(waiter)) {
                // The runner went away between placement and sending: the task never ran, so another runner
                // takes it.
                release(waiter, slot);
                runnerGone(slot.name, "unreachable: " + cause.getMessage(), slot.handle);
                return;
            }
            release(waiter, slot);
            if (error == null) {
                waiter.result.complete(value);
                return;
            }
            if (cause instanceof NodeDownException down && !(cause instanceof RunnerLostException)) {
                slot.handle.onExit().completeOnTimeout(null, 300, TimeUnit.MILLISECONDS).whenComplete((exit, e) ->
                        fail(waiter, new RunnerLostException(slot.name, name, reason(down), exit == null
                                ? OptionalInt.empty() : exit.exitCode())));
            } else if (cause instanceof RpcTimeoutException timeout) {
                fail(waiter, new PoolTimeoutException(name, PoolTimeoutException.Phase.RUNNING, waiter.timeout, "",
                        timeout));
            } else if (!(cause instanceof CancellationException)) {
                fail(waiter, cause);
            }
        });
    }

    /** Puts a call that never reached its runner back at the head of the queue, if it has time left. */
    private boolean requeue(Waiter waiter) {
        long left = waiter.deadline - System.nanoTime();
        synchronized (this) {
            if (shutDown || left <= 0 || waiter.result.isDone()) {
                return false;
            }
            waiter.running = null;
            queue.addFirst(waiter);
            waiter.expiry = timer.schedule(() -> expire(waiter), left, TimeUnit.NANOSECONDS);
            return true;
        }
    }

    private void release(Waiter waiter, Slot slot) {
        boolean stop = false;
        synchronized (this) {
            slot.active--;
            if (waiter.child) {
                slot.children--;
            }
            if (slot.active == 0) {
                slot.idleSince = System.nanoTime();
                stop = singleUse && runners.containsKey(slot.name);
            }
            notifyAll();
        }
        if (stop) {
            stopRunner(slot, "single use");
        }
        dispatch();
    }

    private void expire(Waiter waiter) {
        boolean wasQueued;
        String detail;
        PoolTimeoutException.Phase phase;
        synchronized (this) {
            wasQueued = queue.remove(waiter);
            boolean bootTrouble = !booting.isEmpty() || lastBootError != null;
            phase = bootTrouble ? PoolTimeoutException.Phase.BOOTING : PoolTimeoutException.Phase.QUEUED;
            detail = lastBootError != null ? "last boot error: " + lastBootError
                    : booting.isEmpty() ? runners.size() + " runners, all full" : booting.size() + " runners booting";
        }
        if (wasQueued) {
            fail(waiter, new PoolTimeoutException(name, phase, waiter.timeout, detail, null));
        }
    }

    private static void fail(Waiter waiter, Throwable error) {
        waiter.result.completeExceptionally(error);
        waiter.placed.completeExceptionally(error);
    }

    // ---- runners ----

    private void startBoot() {
        NodeName runner = NodeName.of(name.replaceAll("[^A-Za-z0-9_.-]", "-") + "-runner-"
                + RUNNER_IDS.incrementAndGet() + "-" + Long.toString(ProcessHandle.current().pid(), 36),
                node.address().host());
        CompletableFuture<Void> up = new CompletableFuture<>();
        // A runner booted to reach min never stops itself; one booted for demand does, as a failsafe, when idle
        // well past the pool's own idle shutdown (the pool normally stops it first).
        boolean forMin = runners.size() + booting.size() < min;
        booting.put(runner, up);
        try {
            work.execute(() -> boot(runner, up, forMin));
        } catch (RejectedExecutionException e) {
            booting.remove(runner);
        }
    }

    private void boot(NodeName runner, CompletableFuture<Void> up, boolean forMin) {
        long started = System.nanoTime();
        RunnerSpec spec = new RunnerSpec(runner, node.address(), node.cookieText(), name, env, bootTimeout,
                extensions, forMin ? Duration.ZERO : idleShutdownAfter.multipliedBy(2).plusSeconds(5));
        RunnerHandle handle = null;
        try {
            handle = backend.boot(spec);
            RunnerHandle booted = handle;
            handle.onExit().thenAccept(exit -> {
                up.completeExceptionally(new KindlingException("the runner exited during its boot ("
                        + exit.reason() + ")"));
                runnerGone(runner, "its process exited: " + exit.reason(), booted);
            });
            long left = bootTimeout.toNanos() - (System.nanoTime() - started);
            up.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            int count;
            synchronized (this) {
                booting.remove(runner);
                if (shutDown) {
                    throw new PoolShutdownException("Pool " + name + " shut down during the boot");
                }
                runners.put(runner, new Slot(runner, handle));
                lastBootError = null;
                bootFailuresInRow = 0;
                count = runners.size();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.log(Level.INFO, "Pool " + name + ": runner " + runner + " up in " + millis + " ms");
            emit(new PoolEvent.Grew(name, runner, millis, count));
        } catch (Exception e) {
            String error = bootError(runner, e, handle);
            if (handle != null) {
                handle.stop(Duration.ZERO);
            }
            long backoff;
            synchronized (this) {
                booting.remove(runner);
                if (shutDown) {
                    return;
                }
                lastBootError = error;
                bootFailuresInRow++;
                backoff = Math.min(MAX_BOOT_BACKOFF_MILLIS, 100L << Math.min(10, bootFailuresInRow - 1));
                if (bootRetry == null) {
                    bootRetry = timer.schedule(this::retryBoots, backoff, TimeUnit.MILLISECONDS);
                }
            }
            LOG.log(Level.WARNING, "Pool " + name + ": " + error + "; retrying in " + backoff + " ms");
            emit(new PoolEvent.BootFailed(name, runner, error));
            return;
        }
        dispatch();
    }

    private String bootError(NodeName runner, Exception e, RunnerHandle handle) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        String what = cause instanceof TimeoutException
                ? "runner " + runner + " did not connect within the boot timeout of " + bootTimeout.toMillis() + " ms"
                        + (handle != null ? handle.bootPhase().map(p -> " (it reached phase: " + p + ")").orElse("")
                                : "")
                : "runner " + runner + " failed to boot: " + (cause.getMessage() != null ? cause.getMessage()
                        : cause.toString());
        if (handle != null && !handle.recentOutput().isEmpty() && (cause.getMessage() == null
                || !cause.getMessage().contains("output"))) {
            List<String> output = handle.recentOutput();
            what += "; its last output:\n  " + String.join("\n  ", output.subList(Math.max(0, output.size() - 20),
                    output.size()));
        }
        return what;
    }

    private void retryBoots() {
        synchronized (this) {
            bootRetry = null;
        }
        ensureMin();
        dispatch();
    }

    private void ensureMin() {
        synchronized (this) {
            while (!shutDown && bootRetry == null && runners.size() + booting.size() < min) {
                startBoot();
            }
        }
    }

    private void onNodeEvent(NodeEvent event) {
        switch (event) {
            case NodeEvent.NodeUp up -> {
                CompletableFuture<Void> pending;
                synchronized (this) {
                    pending = booting.get(up.node());
                }
                if (pending != null && up.attributes().get(Runner.POOL_ATTRIBUTE).filter(name::equals).isPresent()) {
                    pending.complete(null);
                }
            }
            case NodeEvent.NodeDown down -> {
                Slot slot;
                synchronized (this) {
                    slot = runners.get(down.node());
                }
                if (slot != null) {
                    runnerGone(down.node(), "its connection went down: " + down.reason(), slot.handle);
                }
            }
        }
    }

    private void runnerGone(NodeName runner, String reason, RunnerHandle handle) {
        int count;
        synchronized (this) {
            Slot slot = runners.get(runner);
            if (slot == null || slot.handle != handle) {
                return; // stopped on purpose, or never up
            }
            runners.remove(runner);
            count = runners.size();
            notifyAll();
        }
        LOG.log(Level.WARNING, "Pool " + name + ": runner " + runner + " lost: " + reason);
        work.execute(() -> handle.stop(Duration.ZERO));
        emit(new PoolEvent.Shrank(name, runner, "lost: " + reason, count));
        ensureMin();
        dispatch();
    }

    private void stopRunner(Slot slot, String reason) {
        int count;
        synchronized (this) {
            if (runners.remove(slot.name) == null) {
                return;
            }
            count = runners.size();
        }
        LOG.log(Level.INFO, "Pool " + name + ": stopping runner " + slot.name + " (" + reason + ")");
        try {
            work.execute(() -> slot.handle.stop(Duration.ofSeconds(5)));
        } catch (RejectedExecutionException e) {
            slot.handle.stop(Duration.ZERO);
        }
        emit(new PoolEvent.Shrank(name, slot.name, reason, count));
        ensureMin();
    }

    private void checkIdle() {
        List<Slot> idle = new ArrayList<>();
        List<Slot> kept = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            int spare = runners.size() - min;
            for (Slot slot : runners.values()) {
                if (slot.active == 0 && now - slot.idleSince >= idleShutdownAfter.toNanos()) {
                    if (spare > 0) {
                        idle.add(slot);
                        spare--;
                    } else {
                        kept.add(slot);
                    }
                }
            }
        }
        idle.forEach(slot -> stopRunner(slot, "idle for " + idleShutdownAfter.toMillis() + " ms"));
        // An idle runner kept to make up min may have been booted for demand, with its own idle failsafe: a no-op
        // task tells it that it is still wanted.
        kept.forEach(slot -> node.cast(slot.name, KEEP_ALIVE));
    }

    private static final RemoteRunnable KEEP_ALIVE = () -> { };

    private void startPool() {
        long period = Math.max(10, Math.min(1000, idleShutdownAfter.toMillis() / 2));
        timer.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        ensureMin();
        LOG.log(Level.INFO, "Pool " + name + " started: min " + min + ", max " + max + ", " + maxConcurrency
                + " calls per runner, backend " + backend.getClass().getSimpleName());
    }

    private void emit(PoolEvent event) {
        try {
            events.execute(() -> {
                for (Consumer<? super PoolEvent> listener : listeners) {
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A listener of pool " + name + " failed on " + event, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    private static String reason(NodeDownException down) {
        String message = down.getMessage();
        String prefix = "Node " + down.node() + " went down: ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static void requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    private static Duration duration(Duration set, Config config, String key, Duration defaultValue) {
        Duration value = set != null ? set : config.getDuration(key, defaultValue);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(config.fullKey(key), config.fullKey(key) + " = " + value.toMillis()
                    + "ms must be positive");
        }
        return value;
    }

    /** Options of a {@link Pool}; unset ones come from {@code kindling.pool.<name>.*}. */
    public static final class Builder {
        private final KindlingNode node;
        private final List<Consumer<? super PoolEvent>> listeners = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String name = "default";
        private Backend backend;
        private String backendName;
        private Integer min;
        private Integer max;
        private Integer maxConcurrency;
        private Duration bootTimeout;
        private Duration callTimeout;
        private Duration idleShutdownAfter;
        private Duration shutdownTimeout;
        private Boolean singleUse;
        private List<String> extensions;

        private Builder(KindlingNode node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /**
         * @param name the pool's name, for runner names, logs and configuration; default {@code default}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param backend the backend, as an instance; the pool closes it at shutdown
         * @return this builder
         */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * @param providerName the backend by name ({@code local}, {@code peer}, or a plugin's); its settings are
         *     read from {@code kindling.backend.<name>.*}. Default {@code kindling.pool.<pool>.backend}, else
         *     {@code local}.
         * @return this builder
         */
        public Builder backend(String providerName) {
            this.backendName = Objects.requireNonNull(providerName, "providerName");
            return this;
        }

        /**
         * @param min runners kept up at all times, booted at start; default 0
         * @return this builder
         */
        public Builder min(int min) {
            this.min = min;
            return this;
        }

        /**
         * @param max the most runners at once; required
         * @return this builder
         */
        public Builder max(int max) {
            this.max = max;
            return this;
        }

        /**
         * @param maxConcurrency calls one runner runs at once; default 100
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * @param timeout from asking the backend to the runner's connection; default 30 s
         * @return this builder
         */
        public Builder bootTimeout(Duration timeout) {
            this.bootTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout the default per call, covering waiting and running; default 30 s
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param after how long a runner beyond {@code min} may stay idle; default 30 s
         * @return this builder
         */
        public Builder idleShutdownAfter(Duration after) {
            this.idleShutdownAfter = Objects.requireNonNull(after, "after");
            return this;
        }

        /**
         * @param timeout how long shutdown waits for running calls; default 30 s
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param singleUse whether each runner runs one call and stops; default false
         * @return this builder
         */
        public Builder singleUse(boolean singleUse) {
            this.singleUse = singleUse;
            return this;
        }

        /**
         * Adds an environment variable for runner processes. Runners do not inherit the parent's environment.
         *
         * @param key the variable
         * @param value its value
         * @return this builder
         */
        public Builder env(String key, String value) {
            env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param names node extensions every runner starts before it reports ready
         * @return this builder
         */
        public Builder extensions(List<String> names) {
            this.extensions = List.copyOf(names);
            return this;
        }

        /**
         * @param listener receives grow, shrink and boot-failure events
         * @return this builder
         */
        public Builder listener(Consumer<? super PoolEvent> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Starts the pool and boots {@code min} runners in the background.
         *
         * @return the pool
         * @throws ConfigException if an option is invalid or {@code max} is missing
         * @throws io.kindling.api.PluginNotFoundException if no backend has the given name
         */
        public Pool start() {
            Config config = node.config();
            Backend chosen = backend;
            if (chosen == null) {
                String provider = backendName != null ? backendName
                        : config.getString("kindling.pool." + name + ".backend", "local");
                chosen = Plugins.create(BackendProvider.class, provider, config, node.classLoader());
            }
            Pool pool = new Pool(this, chosen, config);
            pool.startPool();
            return pool;
        }
    }
}
