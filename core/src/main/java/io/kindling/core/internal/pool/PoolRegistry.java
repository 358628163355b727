package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.core.pool.Pool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pools each node is the parent of, in the order they started: for {@code Pools} (by name; a name runs once per
 * node), {@code SystemTasks.info()} and metrics. A pool is here from its start to its shutdown; a node's entry goes
 * when its last pool shuts down.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class PoolRegistry {

    private static final Map<Node, List<Pool>> POOLS = new ConcurrentHashMap<>();

    private PoolRegistry() {
    }

    /**
     * Records a pool about to start.
     *
     * @param node its parent
     * @param pool the pool
     * @throws io.kindling.api.ConfigException if the node already runs a pool of that name
     */
    public static void add(Node node, Pool pool) {
        POOLS.compute(node, (n, pools) -> {
            List<Pool> list = pools != null ? pools : new CopyOnWriteArrayList<>();
            if (list.stream().anyMatch(running -> running.name().equals(pool.name()))) {
                throw new io.kindling.api.ConfigException("kindling.pool." + pool.name(), "Node " + node.name()
                        + " already runs a pool named '" + pool.name() + "': each pool of a node needs its own name "
                        + "(PoolBuilder.name), so that Pools.call can find it");
            }
            list.add(pool);
            return list;
        });
    }

    /** {@return every running pool of every node in this JVM} */
    public static List<Pool> all() {
        return POOLS.values().stream().flatMap(List::stream).toList();
    }

    /**
     * Forgets a pool that shut down.
     *
     * @param node its parent
     * @param pool the pool
     */
    public static void remove(Node node, Pool pool) {
        POOLS.computeIfPresent(node, (n, pools) -> {
            pools.remove(pool);
            return pools.isEmpty() ? null : pools;
        });
    }

    /** {@return the node's running pools, in the order they started} */
    public static List<Pool> of(Node node) {
        return List.copyOf(POOLS.getOrDefault(node, List.of()));
    }
}
