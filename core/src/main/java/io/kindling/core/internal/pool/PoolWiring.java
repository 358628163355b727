package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.core.internal.Listeners;
import io.kindling.core.internal.Threads;
import io.kindling.core.internal.wire.Cookies;
import io.kindling.core.pool.PoolEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A pool's machinery, made in one place: its timer and worker threads, its {@link RunnerFleet}, its
 * {@link Placement} and its {@link FleetUpkeep}, and the cookie its runners get (the node's, found from the node's
 * configuration as the node found it).
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param fleet the runners
 * @param placement the calls
 * @param upkeep idle shutdown and the scaling policy
 */
public record PoolWiring(RunnerFleet fleet, Placement placement, FleetUpkeep upkeep) {

    /**
     * Makes a pool's machinery; nothing runs until {@link #start()}.
     *
     * @param node the parent node
     * @param settings the pool's options
     * @param backend boots runners
     * @param policy the scaling policy
     * @param events where pool events go
     * @return the machinery
     */
    public static PoolWiring create(Node node, PoolSettings settings, Backend backend, ScalingPolicy policy,
            Listeners<PoolEvent> events) {
        ScheduledExecutorService timer = Threads.timer("kindling-pool-" + settings.name());
        ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
        // runners get the stretched key, not the cookie: a runner JVM then starts without the key derivation
        String cookie = Cookies.keyToken(Cookies.resolve(node.config()));
        RunnerFleet fleet = new RunnerFleet(node, settings, backend, cookie, timer, work, events);
        Placement placement = new Placement(node, settings, fleet, timer);
        return new PoolWiring(fleet, placement, new FleetUpkeep(fleet, placement, policy, timer));
    }

    /** Boots the floor, starts idle checks and asks the scaling policy. */
    public void start() {
        fleet.start(placement::dispatch);
        upkeep.start();
    }

    /** Asks the scaling policy now. */
    public void rescale() {
        upkeep.rescale();
    }
}
