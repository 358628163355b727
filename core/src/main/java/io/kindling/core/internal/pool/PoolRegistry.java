package io.kindling.core.internal.pool;

import io.kindling.api.Node;
import io.kindling.core.pool.Pool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pools each node is the parent of, in the order they started, for {@code SystemTasks.info()}. A pool is here
 * from its start to its shutdown; a node's entry goes when its last pool shuts down.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class PoolRegistry {

    private static final Map<Node, List<Pool>> POOLS = new ConcurrentHashMap<>();

    private PoolRegistry() {
    }

    /**
     * Records a started pool.
     *
     * @param node its parent
     * @param pool the pool
     */
    public static void add(Node node, Pool pool) {
        POOLS.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>()).add(pool);
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
