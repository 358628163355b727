package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.PoolShutdownException;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.Listeners;
import io.kindling.core.pool.PoolEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pool's runners: keeps the floor (the larger of {@code min} and the scaling policy's target) and boots for the
 * queue through {@link RunnerBoots}, notices lost runners, stops the ones a smaller {@code max} leaves over and
 * single-use ones after their call, and stops them all at shutdown. {@link Placement} puts calls on them and
 * {@link FleetUpkeep} stops idle ones and asks the scaling policy; all of them guard their state with this object's
 * monitor.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RunnerFleet {

    private static final System.Logger LOG = LazyLogger.of(RunnerFleet.class.getName());
    /** How long a runner may take to end when the pool stops it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How long shutdown waits for all runners to end. */
    private static final Duration STOP_ALL_TIMEOUT = Duration.ofSeconds(15);
    /** How long a failed call waits for its runner's exit code, to report it. */
    static final long EXIT_CODE_WAIT_MILLIS = 300;

    final Node node;
    final PoolSettings settings;
    private final Backend backend;
    private final ScheduledExecutorService timer;
    private final ExecutorService work;
    private final Listeners<PoolEvent> events;
    private final RunnerBoots boots;
    private Runnable dispatch = () -> { };

    // Guarded by "this".
    final Map<NodeName, RunnerSlot> runners = new LinkedHashMap<>();
    boolean shutDown;
    private int min;
    private int max;
    /** The scaling policy's last answer. */
    private int target;
    /** Whether runners kept for {@code min} stopped for idleness and no call has come since. */
    boolean minAsleep;

    /** A runner that is up, and the calls on it. Guarded by the fleet's monitor. */
    static final class RunnerSlot {
        final NodeName name;
        final RunnerHandle handle;
        int active;
        int children;
        boolean used;
        long idleSince = System.nanoTime();
        /** Over a lowered {@code max}: takes no more calls and stops once its calls end. */
        boolean retiring;
        /** Its idle check runs now. */
        boolean checking;

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
        this.timer = timer;
        this.work = work;
        this.events = events;
        this.boots = new RunnerBoots(this, backend, new RunnerSpecs(node, settings, cookie), timer, work, events);
        this.min = settings.min();
        this.max = settings.max();
    }

    /** Boots the floor; {@code dispatch} runs whenever room may have appeared. */
    void start(Runnable onRoom) {
        this.dispatch = onRoom;
        bootToFloor();
    }

    /** {@return the runners up now} */
    public synchronized List<NodeName> runnerNames() {
        return List.copyOf(runners.keySet());
    }

    /** {@return how many runners are booting} */
    public synchronized int bootingCount() {
        return boots.count();
    }

    /** {@return how many runners are up} */
    public synchronized int size() {
        return runners.size();
    }

    /** {@return how many runners run at least one call now} */
    public synchronized int busyCount() {
        return (int) runners.values().stream().filter(slot -> slot.active > 0).count();
    }

    /** {@return the minimum number of runners now} */
    public synchronized int min() {
        return min;
    }

    /** {@return the maximum number of runners now} */
    public synchronized int max() {
        return max;
    }

    /** {@return runners booted since the pool started} */
    public long boots() {
        return boots.booted();
    }

    /** {@return boots that failed since the pool started} */
    public long bootFailures() {
        return boots.failed();
    }

    /** {@return the number of runners kept up now, idle or not: {@code min} (unless asleep) or the policy's target} */
    int floor() {
        return Math.min(max, Math.max(minAsleep ? 0 : min, target));
    }

    /** {@return the floor once the runners kept for {@code min} stopped for idleness: the policy's target} */
    int floorWithoutMin() {
        return Math.min(max, target);
    }

    /** The runner with the fewest calls that has room, or {@code null}. Caller holds the monitor. */
    RunnerSlot leastLoaded() {
        RunnerSlot best = null;
        int limit = settings.callsPerRunner();
        for (RunnerSlot slot : runners.values()) {
            if (slot.active < limit && !slot.retiring && !(settings.singleUse() && slot.used)
                    && (best == null || slot.active < best.active)) {
                best = slot;
            }
        }
        return best;
    }

    /** A call arrived: a pool whose {@code min} runners stopped for idleness boots back to min. Holds the lock. */
    void callArrived() {
        if (minAsleep) {
            minAsleep = false;
            LOG.log(Level.DEBUG, "Pool " + settings.name() + ": a call arrived; booting back to min " + min);
        }
    }

    /**
     * Boots runners while under {@code max} and the queue exceeds what booting runners will take, and up to the
     * floor. Caller holds the monitor.
     */
    void growFor(int queued) {
        int coming = boots.count() * settings.callsPerRunner();
        while (queued > coming && runners.size() + boots.count() < max && !boots.retrying() && !shutDown) {
            boots.start(false);
            coming += settings.callsPerRunner();
        }
        bootToFloorLocked();
    }

    /** Why calls are still waiting, for a queue timeout: the phase is BOOTING while boots run or fail. */
    synchronized String waitingDetail() {
        return boots.waitingDetail(runners.size());
    }

    synchronized boolean bootTrouble() {
        return boots.trouble();
    }

    /** A call on the runner ended. Holds no lock; stops a single-use or retiring runner. */
    void released(RunnerSlot slot, boolean child) {
        String stop = null;
        synchronized (this) {
            slot.active--;
            if (child) {
                slot.children--;
            }
            if (slot.active == 0) {
                slot.idleSince = System.nanoTime();
                if (runners.containsKey(slot.name)) {
                    stop = settings.singleUse() ? "single use" : slot.retiring ? "over max " + max : null;
                }
            }
            notifyAll();
        }
        if (stop != null) {
            stopRunner(slot, stop);
        }
    }

    /**
     * Changes {@code min} and {@code max} of the running pool: boots up to a larger {@code min} at once; over a
     * smaller {@code max}, stops idle runners at once and busy ones as their calls end (they take no new ones).
     *
     * @param newMin the new minimum
     * @param newMax the new maximum
     * @throws IllegalArgumentException unless {@code 0 <= newMin <= newMax} and {@code newMax >= 1}
     * @throws PoolShutdownException if the pool is shut down
     */
    public void resize(int newMin, int newMax) {
        PoolSettings.checkBounds(settings.name(), newMin, newMax);
        List<RunnerSlot> stopNow = new ArrayList<>();
        synchronized (this) {
            if (shutDown) {
                throw new PoolShutdownException("Pool " + settings.name() + " is shut down");
            }
            min = newMin;
            max = newMax;
            // The busiest newMax runners stay (a runner retiring since an earlier resize may stay again); the least
            // loaded others retire.
            List<RunnerSlot> byLoad = runners.values().stream().sorted(Comparator.comparingInt(slot -> slot.active))
                    .toList();
            for (int i = 0; i < byLoad.size(); i++) {
                RunnerSlot slot = byLoad.get(i);
                slot.retiring = i < byLoad.size() - newMax;
                if (slot.retiring && slot.active == 0) {
                    stopNow.add(slot);
                }
            }
        }
        LOG.log(Level.INFO, "Pool " + settings.name() + " resized: min " + newMin + ", max " + newMax);
        stopNow.forEach(slot -> stopRunner(slot, "over max " + newMax));
        bootToFloor();
        dispatch.run();
    }

    /**
     * Takes the scaling policy's answer and boots up to the new floor.
     *
     * @param runners the policy's target, from 0 to {@code max}
     */
    void target(int runners) {
        synchronized (this) {
            target = Math.max(0, runners);
        }
        bootToFloor();
    }

    /**
     * Takes a runner that booted and connected.
     *
     * @param runner the runner
     * @param handle its handle
     * @return how many runners are up now, or -1 when it boots over a {@code max} lowered meanwhile (the caller stops
     *     it)
     * @throws PoolShutdownException if the pool shut down during the boot
     */
    synchronized int admit(NodeName runner, RunnerHandle handle) {
        if (shutDown) {
            throw new PoolShutdownException("Pool " + settings.name() + " shut down during the boot");
        }
        if (runners.size() >= max) {
            return -1;
        }
        runners.put(runner, new RunnerSlot(runner, handle));
        TrackedResources.runnerUp(runner, this);
        return runners.size();
    }

    /** Places queued calls: room may have appeared. */
    void dispatch() {
        dispatch.run();
    }

    /** Boots runners up to the floor. */
    void bootToFloor() {
        synchronized (this) {
            bootToFloorLocked();
        }
    }

    private void bootToFloorLocked() {
        while (!shutDown && !boots.retrying() && runners.size() + boots.count() < floor()) {
            boots.start(true);
        }
    }

    /**
     * A runner's arrival completes its boot; a runner's node going down removes it.
     *
     * @param event an event of the parent node
     */
    public void onNodeEvent(NodeEvent event) {
        switch (event) {
            case NodeEvent.NodeUp up -> boots.arrived(up);
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
        TrackedResources.runnerGone(runner);
        LOG.log(Level.WARNING, "Pool " + settings.name() + ": runner " + runner + " lost: " + reason);
        work.execute(() -> handle.stop(Duration.ZERO));
        events.emit(new PoolEvent.Shrank(settings.name(), runner, "lost: " + reason, count));
        bootToFloor();
        dispatch.run();
    }

    /** Stops a runner on purpose: idle, single use, over max. Holds no lock. */
    void stopRunner(RunnerSlot slot, String reason) {
        int count;
        synchronized (this) {
            if (runners.remove(slot.name) == null) {
                return;
            }
            count = runners.size();
        }
        TrackedResources.runnerGone(slot.name);
        LOG.log(Level.INFO, "Pool " + settings.name() + ": stopping runner " + slot.name + " (" + reason + ")");
        try {
            work.execute(() -> slot.handle.stop(STOP_GRACE));
        } catch (RejectedExecutionException e) {
            slot.handle.stop(Duration.ZERO);
        }
        events.emit(new PoolEvent.Shrank(settings.name(), slot.name, reason, count));
        bootToFloor();
    }

    /**
     * A handle of the runner was released: the runner releases the resource, and its idle time starts now.
     *
     * @param runner the runner
     * @param id the handle's id
     */
    void leaseReleased(NodeName runner, String id) {
        synchronized (this) {
            RunnerSlot slot = runners.get(runner);
            if (slot == null) {
                return;
            }
            if (slot.active == 0) {
                slot.idleSince = System.nanoTime();
            }
        }
        node.cast(runner, new RunnerTasks.Release(id)).whenComplete((ignored, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "Pool " + settings.name() + ": cannot tell runner " + runner
                        + " to release resource " + id + ": " + e.getMessage());
            }
        });
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
        boots.cancelRetry();
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
            TrackedResources.runnerGone(slot.name);
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
