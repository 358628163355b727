package io.kindling.core.internal.pool;

import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.internal.AppVersion;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.jfr.Jfr;
import io.kindling.core.internal.jfr.RunnerBootEvent;
import io.kindling.core.pool.PoolEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool's runners: boots them through the backend (retrying with backoff 100 ms doubling to 5 s), keeps
 * {@code min}, stops idle ones beyond it and single-use ones after their call, notices lost ones, and stops them
 * all at shutdown. {@link Placement} puts calls on them; both guard their state with this object's monitor.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RunnerFleet {

    private static final System.Logger LOG = System.getLogger(RunnerFleet.class.getName());
    private static final long MAX_BOOT_BACKOFF_MILLIS = 5000;
    /** How long a runner may take to end when the pool stops it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How long shutdown waits for all runners to end. */
    private static final Duration STOP_ALL_TIMEOUT = Duration.ofSeconds(15);
    /** How long a failed call waits for its runner's exit code, to report it. */
    static final long EXIT_CODE_WAIT_MILLIS = 300;
    private static final AtomicLong RUNNER_IDS = new AtomicLong();
    private static final RemoteRunnable KEEP_ALIVE = () -> { };

    private final Node node;
    private final PoolSettings settings;
    private final Backend backend;
    private final String cookie;
    private final ScheduledExecutorService timer;
    private final ExecutorService work;
    private final Listeners<PoolEvent> events;
    private Runnable dispatch = () -> { };

    // Guarded by "this".
    private final Map<NodeName, RunnerSlot> runners = new LinkedHashMap<>();
    private final Map<NodeName, CompletableFuture<Void>> booting = new LinkedHashMap<>();
    private String lastBootError;
    private int bootFailuresInRow;
    private ScheduledFuture<?> bootRetry;
    boolean shutDown;

    /** A runner that is up, and the calls on it. Guarded by the fleet's monitor. */
    static final class RunnerSlot {
        final NodeName name;
        final RunnerHandle handle;
        int active;
        int children;
        boolean used;
        long idleSince = System.nanoTime();

        RunnerSlot(NodeName name, RunnerHandle handle) {
            this.name = name;
            this.handle = handle;
        }
    }

    RunnerFleet(Node node, PoolSettings settings, Backend backend, String cookie, ScheduledExecutorService timer,
            ExecutorService work, Listeners<PoolEvent> events) {
        this.node = node;
        this.settings = settings;
        this.backend = backend;
        this.cookie = cookie;
        this.timer = timer;
        this.work = work;
        this.events = events;
    }

    /** Starts idle checks and boots {@code min} runners; {@code dispatch} runs whenever room may have appeared. */
    void start(Runnable onRoom) {
        this.dispatch = onRoom;
        long period = Math.max(10, Math.min(1000, settings.idleShutdownAfter().toMillis() / 2));
        timer.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        ensureMin();
    }

    private final java.util.concurrent.atomic.LongAdder boots = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder bootFailures = new java.util.concurrent.atomic.LongAdder();

    /** {@return the runners up now} */
    public synchronized List<NodeName> runnerNames() {
        return List.copyOf(runners.keySet());
    }

    /** {@return how many runners are booting} */
    public synchronized int bootingCount() {
        return booting.size();
    }

    /** {@return how many runners are up} */
    public synchronized int size() {
        return runners.size();
    }

    /** {@return how many runners run at least one call now} */
    public synchronized int busyCount() {
        return (int) runners.values().stream().filter(slot -> slot.active > 0).count();
    }

    /** {@return runners booted since the pool started} */
    public long boots() {
        return boots.sum();
    }

    /** {@return boots that failed since the pool started} */
    public long bootFailures() {
        return bootFailures.sum();
    }

    /** The runner with the fewest calls that has room, or {@code null}. Caller holds the monitor. */
    RunnerSlot leastLoaded() {
        RunnerSlot best = null;
        int limit = settings.callsPerRunner();
        for (RunnerSlot slot : runners.values()) {
            if (slot.active < limit && !(settings.singleUse() && slot.used)
                    && (best == null || slot.active < best.active)) {
                best = slot;
            }
        }
        return best;
    }

    /** Boots runners while under {@code max} and the queue exceeds what booting runners will take. Holds lock. */
    void growFor(int queued) {
        int coming = booting.size() * settings.callsPerRunner();
        while (queued > coming && runners.size() + booting.size() < settings.max() && bootRetry == null) {
            startBoot();
            coming += settings.callsPerRunner();
        }
    }

    /** Why calls are still waiting, for a queue timeout: the phase is BOOTING while boots run or fail. */
    synchronized String waitingDetail() {
        return lastBootError != null ? "last boot error: " + lastBootError
                : booting.isEmpty() ? runners.size() + " runners, all full" : booting.size() + " runners booting";
    }

    synchronized boolean bootTrouble() {
        return !booting.isEmpty() || lastBootError != null;
    }

    /** A call on the runner ended. Holds no lock; stops a single-use runner. */
    void released(RunnerSlot slot, boolean child) {
        boolean stop = false;
        synchronized (this) {
            slot.active--;
            if (child) {
                slot.children--;
            }
            if (slot.active == 0) {
                slot.idleSince = System.nanoTime();
                stop = settings.singleUse() && runners.containsKey(slot.name);
            }
            notifyAll();
        }
        if (stop) {
            stopRunner(slot, "single use");
        }
    }

    private void startBoot() {
        NodeName runner = NodeName.of(settings.name().replaceAll("[^A-Za-z0-9_.-]", "-") + "-runner-"
                + RUNNER_IDS.incrementAndGet() + "-" + Long.toString(ProcessHandle.current().pid(), 36),
                node.address().host());
        CompletableFuture<Void> up = new CompletableFuture<>();
        // A runner booted to reach min never stops itself; one booted for demand does, as a failsafe, when idle
        // well past the pool's own idle shutdown (the pool normally stops it first).
        boolean forMin = runners.size() + booting.size() < settings.min();
        booting.put(runner, up);
        try {
            work.execute(() -> boot(runner, up, forMin));
        } catch (RejectedExecutionException e) {
            booting.remove(runner);
        }
    }

    /**
     * The parent's configuration a runner takes on (FlamePeer copies the application's config to its peers): every
     * effective {@code kindling.*} key, from every layer and the builder, except what is the parent's own and what
     * the pool's {@code env} sets (a {@code KINDLING_*} variable there wins).
     */
    private Map<String, String> carriedSettings() {
        Map<String, String> carried = new java.util.TreeMap<>();
        java.util.Set<String> poolEnv = new java.util.HashSet<>();
        settings.env().keySet().stream().filter(name -> name.startsWith("KINDLING_"))
                .forEach(name -> poolEnv.add(io.kindling.api.Config.normalizeKey(name)));
        for (String key : node.config().keys()) {
            if (key.startsWith("kindling.") && NOT_CARRIED.stream().noneMatch(key::startsWith)
                    && !poolEnv.contains(key)) { // the pool's env names it: the runner reads that instead
                node.config().get(key).ifPresent(value -> carried.put(key, value));
            }
        }
        return carried;
    }

    /**
     * Keys (normal form, prefixes) a runner does not take from its parent: its name, address and address file, the
     * cookie and its file (a runner gets a key token), the parent's extensions (a pool names its runners' own), its
     * management endpoints (they would want the same port) and its pools.
     */
    static final List<String> NOT_CARRIED = List.of("kindling.node.", "kindling.cookie", "kindling.extensions",
            "kindling.management.", "kindling.pool.", "kindling.pools");

    /** The pool's environment, plus the parent's application version: runners run the parent's code. */
    private Map<String, String> runnerEnv() {
        Map<String, String> env = new java.util.HashMap<>(settings.env());
        node.attributes().get(AppVersion.KEY).ifPresent(version -> env.putIfAbsent(AppVersion.ENV, version));
        return env;
    }

    private void boot(NodeName runner, CompletableFuture<Void> up, boolean forMin) {
        long started = System.nanoTime();
        events.emit(new PoolEvent.GrowStarted(settings.name(), runner));
        RunnerBootEvent event = Jfr.on() && RunnerBootEvent.wanted() ? new RunnerBootEvent() : null;
        if (event != null) {
            event.begin();
            event.pool = settings.name();
            event.runner = runner.toString();
        }
        RunnerSpec spec = new RunnerSpec(runner, node.address(), cookie, settings.name(), runnerEnv(),
                settings.bootTimeout(), settings.extensions(), forMin ? Duration.ZERO
                        : settings.idleShutdownAfter().multipliedBy(2).plusSeconds(5), carriedSettings());
        RunnerHandle handle = null;
        try {
            handle = backend.boot(spec);
            RunnerHandle booted = handle;
            handle.onExit().thenAccept(exit -> {
                up.completeExceptionally(new KindlingException("the runner exited during its boot ("
                        + exit.reason() + ")"));
                runnerGone(runner, "its process exited: " + exit.reason(), booted);
            });
            long left = settings.bootTimeout().toNanos() - (System.nanoTime() - started);
            up.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            int count;
            synchronized (this) {
                booting.remove(runner);
                if (shutDown) {
                    throw new PoolShutdownException("Pool " + settings.name() + " shut down during the boot");
                }
                runners.put(runner, new RunnerSlot(runner, handle));
                lastBootError = null;
                bootFailuresInRow = 0;
                count = runners.size();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            boots.increment();
            LOG.log(Level.INFO, "Pool " + settings.name() + ": runner " + runner + " up in " + millis + " ms");
            events.emit(new PoolEvent.Grew(settings.name(), runner, millis, count));
            bootTraced(event, handle, "OK");
        } catch (Exception e) {
            bootTraced(event, handle, "FAILED: " + e.getMessage());
            bootFailed(runner, e, handle);
            return;
        }
        dispatch.run();
    }

    /** Commits a boot's JFR event, with the phases the runner reported as it booted. */
    private static void bootTraced(RunnerBootEvent event, RunnerHandle handle, String outcome) {
        if (event != null) {
            event.outcome = outcome;
            event.phases = handle == null ? "" : handle.bootPhaseTimes().entrySet().stream()
                    .map(phase -> phase.getKey() + " " + phase.getValue().toMillis() + " ms")
                    .collect(java.util.stream.Collectors.joining(", "));
            event.commit();
        }
    }

    private void bootFailed(NodeName runner, Exception e, RunnerHandle handle) {
        String error = bootError(runner, e, handle);
        bootFailures.increment();
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
        LOG.log(Level.WARNING, "Pool " + settings.name() + ": " + error + "; retrying in " + backoff + " ms");
        events.emit(new PoolEvent.BootFailed(settings.name(), runner, error));
    }

    private String bootError(NodeName runner, Exception e, RunnerHandle handle) {
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

    private void retryBoots() {
        synchronized (this) {
            bootRetry = null;
        }
        ensureMin();
        dispatch.run();
    }

    private void ensureMin() {
        synchronized (this) {
            while (!shutDown && bootRetry == null && runners.size() + booting.size() < settings.min()) {
                startBoot();
            }
        }
    }

    /**
     * A runner's arrival completes its boot; a runner's node going down removes it.
     *
     * @param event an event of the parent node
     */
    public void onNodeEvent(NodeEvent event) {
        switch (event) {
            case NodeEvent.NodeUp up -> {
                CompletableFuture<Void> pending;
                synchronized (this) {
                    pending = booting.get(up.node());
                }
                if (pending != null && up.attributes().get(RunnerProtocol.POOL_ATTRIBUTE)
                        .filter(settings.name()::equals).isPresent()) {
                    pending.complete(null);
                }
            }
            case NodeEvent.NodeDown down -> {
                RunnerSlot slot;
                synchronized (this) {
                    slot = runners.get(down.node());
                }
                if (slot != null) {
                    runnerGone(down.node(), "its connection went down: " + down.reason(), slot.handle);
                }
            }
        }
    }

    void runnerGone(NodeName runner, String reason, RunnerHandle handle) {
        int count;
        synchronized (this) {
            RunnerSlot slot = runners.get(runner);
            if (slot == null || slot.handle != handle) {
                return; // stopped on purpose, or never up
            }
            runners.remove(runner);
            count = runners.size();
            notifyAll();
        }
        LOG.log(Level.WARNING, "Pool " + settings.name() + ": runner " + runner + " lost: " + reason);
        work.execute(() -> handle.stop(Duration.ZERO));
        events.emit(new PoolEvent.Shrank(settings.name(), runner, "lost: " + reason, count));
        ensureMin();
        dispatch.run();
    }

    private void stopRunner(RunnerSlot slot, String reason) {
        int count;
        synchronized (this) {
            if (runners.remove(slot.name) == null) {
                return;
            }
            count = runners.size();
        }
        LOG.log(Level.INFO, "Pool " + settings.name() + ": stopping runner " + slot.name + " (" + reason + ")");
        try {
            work.execute(() -> slot.handle.stop(STOP_GRACE));
        } catch (RejectedExecutionException e) {
            slot.handle.stop(Duration.ZERO);
        }
        events.emit(new PoolEvent.Shrank(settings.name(), slot.name, reason, count));
        ensureMin();
    }

    private void checkIdle() {
        List<RunnerSlot> idle = new ArrayList<>();
        List<RunnerSlot> kept = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            int spare = runners.size() - settings.min();
            for (RunnerSlot slot : runners.values()) {
                if (slot.active == 0 && now - slot.idleSince >= settings.idleShutdownAfter().toNanos()) {
                    if (spare > 0) {
                        idle.add(slot);
                        spare--;
                    } else {
                        kept.add(slot);
                    }
                }
            }
        }
        idle.forEach(slot -> stopRunner(slot, "idle for " + settings.idleShutdownAfter().toMillis() + " ms"));
        // An idle runner kept to make up min may have been booted for demand, with its own idle failsafe: a no-op
        // task tells it that it is still wanted.
        kept.forEach(slot -> node.cast(slot.name, KEEP_ALIVE));
    }

    /**
     * Marks the fleet shut down: no more boots or placements.
     *
     * @return false when it was shut down already
     */
    public synchronized boolean beginShutdown() {
        if (shutDown) {
            return false;
        }
        shutDown = true;
        if (bootRetry != null) {
            bootRetry.cancel(false);
        }
        return true;
    }

    /**
     * Waits up to the shutdown timeout for running calls (placed children aside), then stops every runner and
     * closes the backend.
     */
    public void stopAll() {
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
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
        List<RunnerSlot> stopping;
        synchronized (this) {
            stopping = new ArrayList<>(runners.values());
            runners.clear();
        }
        List<CompletableFuture<?>> stops = new ArrayList<>();
        for (RunnerSlot slot : stopping) {
            stops.add(CompletableFuture.runAsync(() -> slot.handle.stop(STOP_GRACE), work));
            events.emit(new PoolEvent.Shrank(settings.name(), slot.name, "pool shut down", 0));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(STOP_ALL_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Pool " + settings.name() + ": stopping runners: " + e);
        }
        timer.shutdownNow();
        work.shutdownNow();
        try {
            backend.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Pool " + settings.name() + ": the backend failed to close", e);
        }
    }
}
