package io.kindling.core.pool;

import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.core.internal.pool.PoolRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pools by name, from anywhere in the application, as FLAME's {@code FLAME.call(MyRunner, fn)}: every running pool is
 * registered under its name with its parent node (a name runs once per node), and found here without passing the
 * {@link Pool} around.
 *
 * <p>Pools can also be defined in configuration alone: {@code kindling.pools=render,thumbs} with
 * {@code kindling.pool.render.*} starts them with the node, and the node shuts them down when it closes.
 */
public final class Pools {

    /** The setting that lists the pools a node starts with it. */
    public static final String CONFIGURED = "kindling.pools";

    private Pools() {
    }

    /**
     * The running pool of that name. With several nodes in this JVM, the name must be unique among them; use
     * {@link #get(Node, String)} otherwise.
     *
     * @param name the pool's name
     * @return the pool
     * @throws KindlingException if no pool of that name runs (the message lists those that do), or several do
     */
    public static Pool get(String name) {
        Objects.requireNonNull(name, "name");
        List<Pool> named = PoolRegistry.all().stream().filter(pool -> pool.name().equals(name)).toList();
        if (named.size() == 1) {
            return named.getFirst();
        }
        if (named.isEmpty()) {
            throw new KindlingException("No pool named '" + name + "' runs in this JVM (running: "
                    + PoolRegistry.all().stream().map(Pool::name).sorted().toList() + "); start it with "
                    + "Pool.builder(node).name(\"" + name + "\") or list it in kindling.pools");
        }
        throw new KindlingException("Several nodes in this JVM run a pool named '" + name + "': ask for one with "
                + "Pools.get(node, name)");
    }

    /**
     * The running pool of that name whose parent is the node.
     *
     * @param node the parent
     * @param name the pool's name
     * @return the pool
     * @throws KindlingException if that node runs no pool of that name
     */
    public static Pool get(Node node, String name) {
        return PoolRegistry.of(node).stream().filter(pool -> pool.name().equals(name)).findFirst()
                .orElseThrow(() -> new KindlingException("Node " + node.name() + " runs no pool named '" + name
                        + "' (it runs " + PoolRegistry.of(node).stream().map(Pool::name).toList() + ")"));
    }

    /**
     * Runs a task on the named pool, as {@link Pool#call(RemoteCallable)}.
     *
     * @param name the pool's name
     * @param task the task
     * @param <T> the result type
     * @return the task's result
     */
    public static <T> T call(String name, RemoteCallable<T> task) {
        return get(name).call(task);
    }

    /**
     * Sends a task to the named pool, as {@link Pool#cast(RemoteRunnable)}.
     *
     * @param name the pool's name
     * @param task the task
     */
    public static void cast(String name, RemoteRunnable task) {
        get(name).cast(task);
    }

    /**
     * Places a long-running service on the named pool, as {@link Pool#placeChild(RemoteRunnable)}.
     *
     * @param name the pool's name
     * @param service the service
     * @return the placed child
     */
    public static PlacedChild placeChild(String name, RemoteRunnable service) {
        return get(name).placeChild(service);
    }

    /**
     * Starts the pools the node's configuration lists in {@value #CONFIGURED}, each from its
     * {@code kindling.pool.<name>.*} settings. For the node's start; it shuts them down when it closes.
     *
     * @param node the node
     * @return the started pools
     * @throws ConfigException if a listed pool's settings are invalid (those started are shut down)
     */
    public static List<Pool> startConfigured(Node node) {
        List<Pool> started = new ArrayList<>();
        for (String name : node.config().getList(CONFIGURED)) {
            try {
                started.add(Pool.builder(node).name(name).start());
            } catch (RuntimeException e) {
                started.forEach(Pool::shutdown);
                throw e;
            }
        }
        return started;
    }
}
