package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.core.internal.LazyLogger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bookkeeping behind {@code Tracked} handles (FLAME's {@code track_resources}), on both sides.
 *
 * <p>On a runner: the resources its tasks handed out, each with the action that releases it, until the parent
 * releases the handle or the runner node closes (then all of them are released).
 *
 * <p>On the parent: the leases, handles that arrived as call results and are not released yet, per runner; and the
 * fleet each runner belongs to. A runner with a lease is not idle: the pool does not stop it for idleness, and the
 * runner's own idle failsafe waits too. When the runner goes, its leases go with it.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class TrackedResources {

    private static final System.Logger LOG = LazyLogger.of(TrackedResources.class.getName());

    /** A resource a runner holds for its parent. */
    private record Held(NodeName runner, AutoCloseable release) {
    }

    /** Runner side: handle id to resource. */
    private static final Map<String, Held> HELD = new ConcurrentHashMap<>();
    /** Runner side: the nodes whose close releases their resources (one hook each). */
    private static final Set<NodeName> HOOKED = ConcurrentHashMap.newKeySet();
    /** Parent side: runner to the ids of its handles not released. */
    private static final Map<NodeName, Set<String>> LEASES = new ConcurrentHashMap<>();
    /** Parent side: runner to its fleet, while it is up. */
    private static final Map<NodeName, RunnerFleet> OWNERS = new ConcurrentHashMap<>();

    private TrackedResources() {
    }

    // ---- runner side

    /**
     * Holds a resource on a runner until its handle is released or the node closes.
     *
     * @param node the runner node the task runs on
     * @param id the handle's id
     * @param release releases the resource
     */
    public static void hold(Node node, String id, AutoCloseable release) {
        HELD.put(id, new Held(node.name(), Objects.requireNonNull(release, "release")));
        if (HOOKED.add(node.name())) {
            node.onClose(() -> {
                HOOKED.remove(node.name());
                HELD.entrySet().removeIf(entry -> {
                    if (entry.getValue().runner().equals(node.name())) {
                        close(entry.getKey(), entry.getValue(), "its runner " + node.name() + " closed");
                        return true;
                    }
                    return false;
                });
            });
        }
    }

    /**
     * Releases a resource a runner holds; nothing if it is released already. Run on the runner, by the release
     * task its parent sends.
     *
     * @param id the handle's id
     */
    public static void releaseHeld(String id) {
        Held held = HELD.remove(id);
        if (held != null) {
            close(id, held, "its handle was released");
        }
    }

    /** {@return how many resources the runner node holds} */
    public static int heldOn(NodeName runner) {
        return (int) HELD.values().stream().filter(held -> held.runner().equals(runner)).count();
    }

    private static void close(String id, Held held, String why) {
        try {
            held.release().close();
            LOG.log(Level.DEBUG, "Runner " + held.runner() + ": resource " + id + " released (" + why + ")");
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Runner " + held.runner() + ": releasing resource " + id + " (" + why
                    + ") failed: " + e, e);
        }
    }

    // ---- parent side

    /**
     * Records a handle that arrived as a call result: its runner stays up until it is released.
     *
     * @param runner the runner holding the resource
     * @param id the handle's id
     */
    public static void leased(NodeName runner, String id) {
        if (OWNERS.containsKey(runner)) {
            LEASES.computeIfAbsent(runner, r -> ConcurrentHashMap.newKeySet()).add(id);
        }
    }

    /**
     * Releases a lease: the runner is told to release the resource, and its idle time starts again.
     *
     * @param runner the runner holding the resource
     * @param id the handle's id
     * @return false when it was released already (or its runner is gone)
     */
    public static boolean release(NodeName runner, String id) {
        Set<String> ids = LEASES.get(runner);
        if (ids == null || !ids.remove(id)) {
            return false;
        }
        RunnerFleet fleet = OWNERS.get(runner);
        if (fleet != null) {
            fleet.leaseReleased(runner, id);
        }
        return true;
    }

    /** {@return whether a handle's lease is held} */
    public static boolean isLeased(NodeName runner, String id) {
        Set<String> ids = LEASES.get(runner);
        return ids != null && ids.contains(id);
    }

    /** {@return how many handles of the runner are not released} */
    public static int leasesOn(NodeName runner) {
        Set<String> ids = LEASES.get(runner);
        return ids == null ? 0 : ids.size();
    }

    /** A runner of the fleet is up. */
    static void runnerUp(NodeName runner, RunnerFleet fleet) {
        OWNERS.put(runner, fleet);
    }

    /** A runner of the fleet is gone: its leases go (its resources went with it). */
    static void runnerGone(NodeName runner) {
        OWNERS.remove(runner);
        LEASES.remove(runner);
    }
}
