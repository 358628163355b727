package io.kindling.core.internal.pool;

import io.kindling.api.spi.ScalingPolicy;
import io.kindling.core.internal.LazyLogger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pool's periodic work on its {@link RunnerFleet}: stops idle runners and asks the scaling policy.
 *
 * <p>Idle shutdown: a runner with no call, no placed child and no tracked resource is idle. One above the floor
 * stops after {@code idleShutdownAfter}; one kept for {@code min} stops after {@code minIdleShutdownAfter}, when
 * set (the pool then stays below {@code min} until a call comes). With an idle check, the runner is asked first and
 * stops only if it answers {@code true}; otherwise its idle time starts again.
 *
 * <p>Scaling: every {@code scalingInterval} (and on {@link #rescale()}) the policy's answer becomes the fleet's
 * target; a policy that throws is logged and its previous answer stands.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class FleetUpkeep {

    private static final System.Logger LOG = LazyLogger.of(FleetUpkeep.class.getName());
    /** How long an idle check may take on the runner. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

    private final RunnerFleet fleet;
    private final Placement placement;
    private final PoolSettings settings;
    private final ScalingPolicy policy;
    private final ScheduledExecutorService timer;
    /** The last failure of the policy, logged once at WARNING while it repeats. */
    private String lastPolicyError;

    FleetUpkeep(RunnerFleet fleet, Placement placement, ScalingPolicy policy, ScheduledExecutorService timer) {
        this.fleet = fleet;
        this.placement = placement;
        this.settings = fleet.settings;
        this.policy = policy;
        this.timer = timer;
    }

    /** Schedules the idle checks and the policy's questions; asks the policy once now. */
    void start() {
        Duration shortest = settings.minIdleShutdownAfter().filter(d -> d.compareTo(settings.idleShutdownAfter()) < 0)
                .orElse(settings.idleShutdownAfter());
        long period = Math.max(10, Math.min(1000, shortest.toMillis() / 2));
        timer.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        long interval = settings.scalingInterval().toMillis();
        timer.scheduleWithFixedDelay(this::rescale, interval, interval, TimeUnit.MILLISECONDS);
        rescale();
    }

    /** Asks the scaling policy now and boots up to its answer. */
    void rescale() {
        ScalingPolicy.State state;
        synchronized (fleet) {
            if (fleet.shutDown) {
                return;
            }
            int busy = (int) fleet.runners.values().stream().filter(slot -> slot.active > 0).count();
            state = new ScalingPolicy.State(settings.name(), fleet.min(), fleet.max(), fleet.runners.size(),
                    fleet.bootingCount(), busy, placement.queued(), settings.callsPerRunner(), Instant.now());
        }
        int target;
        try {
            target = policy.target(state);
            lastPolicyError = null;
        } catch (RuntimeException e) {
            String error = e.toString();
            LOG.log(error.equals(lastPolicyError) ? Level.DEBUG : Level.WARNING, "Pool " + settings.name()
                    + ": the scaling policy " + policy.getClass().getName() + " failed; its last answer stands: "
                    + error, e);
            lastPolicyError = error;
            return;
        }
        fleet.target(Math.min(state.max(), Math.max(0, target)));
    }

    /** A runner to stop for idleness, as it was when chosen. */
    private record Idle(RunnerFleet.RunnerSlot slot, long idleSince, boolean minRunner, String reason) {
    }

    /** Stops idle runners over the floor, and min runners idle past {@code minIdleShutdownAfter}. */
    void checkIdle() {
        List<Idle> idle = new ArrayList<>();
        List<RunnerFleet.RunnerSlot> kept = new ArrayList<>();
        long idleAfter = settings.idleShutdownAfter().toNanos();
        Optional<Duration> minIdle = settings.minIdleShutdownAfter();
        synchronized (fleet) {
            if (fleet.shutDown) {
                return;
            }
            long now = System.nanoTime();
            int up = fleet.runners.size();
            int floor = fleet.floor();
            int target = fleet.floorWithoutMin();
            List<RunnerFleet.RunnerSlot> longestIdle = fleet.runners.values().stream()
                    .sorted(Comparator.comparingLong(slot -> slot.idleSince)).toList();
            for (RunnerFleet.RunnerSlot slot : longestIdle) {
                if (slot.active > 0 || slot.checking || slot.retiring
                        || TrackedResources.leasesOn(slot.name) > 0) {
                    continue;
                }
                long idleFor = now - slot.idleSince;
                if (up > floor && idleFor >= idleAfter) {
                    idle.add(new Idle(slot, slot.idleSince, false, "idle for "
                            + settings.idleShutdownAfter().toMillis() + " ms"));
                    up--;
                } else if (minIdle.isPresent() && up > target && idleFor >= minIdle.get().toNanos()) {
                    idle.add(new Idle(slot, slot.idleSince, true, "idle for " + minIdle.get().toMillis()
                            + " ms (min-idle-shutdown-after)"));
                    up--;
                } else if (idleFor >= idleAfter) {
                    kept.add(slot);
                }
            }
            if (settings.idleCheck().isPresent()) {
                idle.forEach(candidate -> candidate.slot().checking = true);
            }
        }
        for (Idle candidate : idle) {
            if (settings.idleCheck().isPresent()) {
                askThenStop(candidate);
            } else {
                stopIfStillIdle(candidate);
            }
        }
        // An idle runner kept for the floor may have been booted for demand, with its own idle failsafe: a no-op
        // task tells it that it is still wanted.
        kept.forEach(slot -> fleet.node.cast(slot.name, new RunnerTasks.KeepAlive()));
    }

    /** Runs the idle check on the runner, and stops it only on {@code true}. */
    private void askThenStop(Idle candidate) {
        fleet.node.callAsync(candidate.slot().name, settings.idleCheck().orElseThrow(), CHECK_TIMEOUT)
                .whenComplete((agreed, error) -> {
                    synchronized (fleet) {
                        candidate.slot().checking = false;
                    }
                    if (error == null && Boolean.TRUE.equals(agreed)) {
                        stopIfStillIdle(candidate);
                        return;
                    }
                    if (error != null) {
                        LOG.log(Level.WARNING, "Pool " + settings.name() + ": the idle check on runner "
                                + candidate.slot().name + " failed, so it stays: " + error.getMessage());
                    } else {
                        LOG.log(Level.DEBUG, "Pool " + settings.name() + ": runner " + candidate.slot().name
                                + " is idle but its idle check said no");
                    }
                    synchronized (fleet) {
                        if (candidate.slot().idleSince == candidate.idleSince()) {
                            candidate.slot().idleSince = System.nanoTime(); // asked again after another idle time
                        }
                    }
                });
    }

    /** Stops the runner unless a call, a resource or a boot changed what made it a candidate. */
    private void stopIfStillIdle(Idle candidate) {
        RunnerFleet.RunnerSlot slot = candidate.slot();
        synchronized (fleet) {
            boolean still = fleet.runners.get(slot.name) == slot && slot.active == 0
                    && slot.idleSince == candidate.idleSince() && TrackedResources.leasesOn(slot.name) == 0
                    && fleet.runners.size() > (candidate.minRunner() ? fleet.floorWithoutMin() : fleet.floor());
            if (!still) {
                return;
            }
            if (candidate.minRunner()) {
                fleet.minAsleep = true;
            }
        }
        fleet.stopRunner(slot, candidate.reason());
    }
}
