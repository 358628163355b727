package io.kindling.core.internal.pool;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.jfr.RunnerBootEvent;
import io.kindling.core.pool.PoolEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * A fleet's boots: asks the backend for a runner and waits, within the boot timeout, for it to connect with its
 * pool's attribute; retries failed boots with backoff (100 ms doubling to 5 s); reports each boot as pool events and
 * a JFR event. Guards its state with the {@link RunnerFleet}'s monitor.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class RunnerBoots {

    private static final System.Logger LOG = LazyLogger.of(RunnerBoots.class.getName());
    private static final long MAX_BOOT_BACKOFF_MILLIS = 5000;

    private final RunnerFleet fleet;
    private final PoolSettings settings;
    private final Backend backend;
    private final RunnerSpecs specs;
    private final ScheduledExecutorService timer;
    private final ExecutorService work;
    private final Listeners<PoolEvent> events;
    private final LongAdder booted = new LongAdder();
    private final LongAdder failed = new LongAdder();

    // Guarded by the fleet's monitor.
    private final Map<NodeName, CompletableFuture<Void>> booting = new LinkedHashMap<>();
    private String lastError;
    private int failuresInRow;
    private ScheduledFuture<?> retry;

    RunnerBoots(RunnerFleet fleet, Backend backend, RunnerSpecs specs, ScheduledExecutorService timer,
            ExecutorService work, Listeners<PoolEvent> events) {
        this.fleet = fleet;
        this.settings = fleet.settings;
        this.backend = backend;
        this.specs = specs;
        this.timer = timer;
        this.work = work;
        this.events = events;
    }

    /** {@return boots in flight} Caller holds the fleet's monitor. */
    int count() {
        return booting.size();
    }

    /** {@return whether boots wait for the backoff after a failure} Caller holds the fleet's monitor. */
    boolean retrying() {
        return retry != null;
    }

    /** {@return why calls still wait, for a queue timeout} Caller holds the fleet's monitor. */
    String waitingDetail(int runners) {
        return lastError != null ? "last boot error: " + lastError
                : booting.isEmpty() ? runners + " runners, all full" : booting.size() + " runners booting";
    }

    /** {@return whether boots run or failed last: a queue timeout's phase is then BOOTING} Caller holds the lock. */
    boolean trouble() {
        return !booting.isEmpty() || lastError != null;
    }

    /** {@return runners booted since the pool started} */
    long booted() {
        return booted.sum();
    }

    /** {@return boots that failed since the pool started} */
    long failed() {
        return failed.sum();
    }

    /** Stops the retry timer: the pool shuts down. Caller holds the fleet's monitor. */
    void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
        }
    }

    /**
     * Starts a boot. Caller holds the fleet's monitor.
     *
     * @param kept whether the runner is booted to keep the floor (no idle failsafe of its own)
     */
    void start(boolean kept) {
        NodeName runner = runnerName(specs.nextName());
        CompletableFuture<Void> up = new CompletableFuture<>();
        booting.put(runner, up);
        try {
            work.execute(() -> boot(runner, up, kept));
        } catch (RejectedExecutionException e) {
            booting.remove(runner);
        }
    }

    /** The backend's name for a runner (on the host it chose), or the pool's own if the backend fails. */
    private NodeName runnerName(NodeName proposed) {
        try {
            return java.util.Objects.requireNonNull(backend.runnerName(proposed), "the runner's name");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Pool " + settings.name() + ": the backend could not name a runner (" + e
                    + "); using " + proposed);
            return proposed;
        }
    }

    /** A node came up: when it is a runner this pool is booting, its boot is done. */
    void arrived(NodeEvent.NodeUp up) {
        CompletableFuture<Void> pending;
        synchronized (fleet) {
            pending = booting.get(up.node());
        }
        if (pending != null && up.attributes().get(RunnerProtocol.POOL_ATTRIBUTE).filter(settings.name()::equals)
                .isPresent()) {
            pending.complete(null);
        }
    }

    private void boot(NodeName runner, CompletableFuture<Void> up, boolean kept) {
        long started = System.nanoTime();
        events.emit(new PoolEvent.GrowStarted(settings.name(), runner));
        RunnerBootEvent event = Jfr.on() && RunnerBootEvent.wanted() ? new RunnerBootEvent() : null;
        if (event != null) {
            event.begin();
            event.pool = settings.name();
            event.runner = runner.toString();
        }
        RunnerHandle handle = null;
        try {
            handle = backend.boot(specs.spec(runner, kept));
            RunnerHandle booting = handle;
            handle.onExit().thenAccept(exit -> {
                up.completeExceptionally(new KindlingException("the runner exited during its boot ("
                        + exit.reason() + ")"));
                fleet.runnerGone(runner, "its process exited: " + exit.reason(), booting);
            });
            long left = settings.bootTimeout().toNanos() - (System.nanoTime() - started);
            up.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            int count;
            synchronized (fleet) {
                this.booting.remove(runner);
                lastError = null;
                failuresInRow = 0;
                count = fleet.admit(runner, handle);
            }
            if (count < 0) { // max was lowered while it booted
                LOG.log(Level.INFO, "Pool " + settings.name() + ": runner " + runner + " booted over max "
                        + fleet.max() + "; stopping it");
                traced(event, handle, "OVER MAX");
                handle.stop(Duration.ZERO);
                return;
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            booted.increment();
            LOG.log(Level.INFO, "Pool " + settings.name() + ": runner " + runner + " up in " + millis + " ms");
            events.emit(new PoolEvent.Grew(settings.name(), runner, millis, count));
            traced(event, handle, "OK");
        } catch (Exception e) {
            traced(event, handle, "FAILED: " + e.getMessage());
            failed(runner, e, handle);
            return;
        }
        fleet.dispatch();
    }

    /** Commits a boot's JFR event, with the phases the runner reported as it booted. */
    private static void traced(RunnerBootEvent event, RunnerHandle handle, String outcome) {
        if (event != null) {
            event.outcome = outcome;
            event.phases = handle == null ? "" : handle.bootPhaseTimes().entrySet().stream()
                    .map(phase -> phase.getKey() + " " + phase.getValue().toMillis() + " ms")
                    .collect(Collectors.joining(", "));
            event.commit();
        }
    }

    private void failed(NodeName runner, Exception e, RunnerHandle handle) {
        String error = describe(runner, e, handle);
        failed.increment();
        if (handle != null) {
            handle.stop(Duration.ZERO);
        }
        long backoff;
        synchronized (fleet) {
            booting.remove(runner);
            if (fleet.shutDown) {
                return;
            }
            lastError = error;
            failuresInRow++;
            backoff = Math.min(MAX_BOOT_BACKOFF_MILLIS, 100L << Math.min(10, failuresInRow - 1));
            if (retry == null) {
                retry = timer.schedule(this::retry, backoff, TimeUnit.MILLISECONDS);
            }
        }
        LOG.log(Level.WARNING, "Pool " + settings.name() + ": " + error + "; retrying in " + backoff + " ms");
        events.emit(new PoolEvent.BootFailed(settings.name(), runner, error));
    }

    private String describe(NodeName runner, Exception e, RunnerHandle handle) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        String what = cause instanceof TimeoutException
                ? "runner " + runner + " did not connect within the boot timeout of "
                        + settings.bootTimeout().toMillis() + " ms"
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

    private void retry() {
        synchronized (fleet) {
            retry = null;
        }
        fleet.bootToFloor();
        fleet.dispatch();
    }
}
