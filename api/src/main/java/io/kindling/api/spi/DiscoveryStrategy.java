package io.kindling.api.spi;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Finds the nodes a cluster should be connected to.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #discover()} returns the addresses that <em>should</em> be connected now. An empty set means
 *       "there are none"; a failure to find out <em>must</em> be thrown, never returned as an empty set, so that
 *       the cluster keeps its connections instead of dropping them (libcluster's worst failure mode). When only
 *       some sources failed, the strategy returns what the others said and names the failed ones in
 *       {@link Discovery#failures()}; the cluster then connects but prunes nothing.</li>
 *   <li>The local node may be in the result; the cluster skips it.</li>
 *   <li>The cluster bounds each {@code discover()} by its discovery timeout and interrupts a call that overruns;
 *       a strategy doing blocking I/O should use its own timeouts too.</li>
 *   <li>{@link #start} runs once before the first discovery, with the node the cluster serves: a strategy that
 *       registers the node somewhere (a port mapper, a JGroups channel) does it there. {@link #close} undoes it.</li>
 *   <li>A strategy that learns of changes by itself (a JGroups view) calls the trigger given to
 *       {@link #onChange} so the cluster refreshes at once rather than at the next poll. The trigger is given
 *       before {@link #start} and may be called from within it.</li>
 *   <li>{@link #connect}, {@link #disconnect} and {@link #listNodes} default to the node's own; a strategy that
 *       brings its own membership layer replaces them.</li>
 * </ul>
 * Methods may be called from different threads, never concurrently for one strategy.
 */
@FunctionalInterface
public interface DiscoveryStrategy extends AutoCloseable {

    /**
     * Finds the nodes to connect to now.
     *
     * @return their addresses (empty when there are none), what was skipped and which sources failed
     * @throws Exception when discovery failed; the cluster reports it and disconnects nothing
     */
    Discovery discover() throws Exception;

    /**
     * Called once before the first {@link #discover()}.
     *
     * @param node the node the cluster serves
     * @throws Exception if the strategy cannot start; the cluster does not start either
     */
    default void start(Node node) throws Exception {
    }

    /**
     * Gives the strategy a way to ask for an immediate refresh.
     *
     * @param refreshNow runs a refresh soon, on the cluster's thread; cheap to call often
     */
    default void onChange(Runnable refreshNow) {
    }

    /**
     * Connects to a discovered node.
     *
     * @param node the local node
     * @param address the discovered address
     * @param timeout how long it may take (the cluster's connect timeout)
     * @return the connected node's name
     * @throws RuntimeException if it could not connect; the cluster reports the message for this node
     */
    default NodeName connect(Node node, NodeAddress address, Duration timeout) {
        return node.connect(address, timeout);
    }

    /**
     * Disconnects a node the cluster prunes.
     *
     * @param node the local node
     * @param name the node to disconnect
     * @return whether it was connected
     */
    default boolean disconnect(Node node, NodeName name) {
        return node.disconnect(name);
    }

    /**
     * Lists the nodes connected now.
     *
     * @param node the local node
     * @return the connected nodes
     */
    default Set<NodeName> listNodes(Node node) {
        return node.connectedNodes();
    }

    /** Undoes what {@link #start} did; must not throw. */
    @Override
    default void close() {
    }

    /**
     * A strategy from a function, for tests and for users who compute the list themselves.
     *
     * @param discover returns the addresses to connect to, or throws
     * @return the strategy
     */
    static DiscoveryStrategy of(Callable<? extends Collection<NodeAddress>> discover) {
        Objects.requireNonNull(discover, "discover");
        return () -> Discovery.of(discover.call());
    }

    /**
     * A strategy that always answers the same list: the {@code static} strategy.
     *
     * @param nodes the nodes
     * @return the strategy
     */
    static DiscoveryStrategy fixed(Collection<NodeAddress> nodes) {
        Discovery discovery = Discovery.of(List.copyOf(nodes));
        return () -> discovery;
    }
}
