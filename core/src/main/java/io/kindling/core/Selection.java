package io.kindling.core;

import io.kindling.api.KindlingException;
import io.kindling.api.NoMatchingNodeException;
import io.kindling.api.Node;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.api.NodeSelector;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.core.internal.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The nodes a {@link NodeSelector} chooses, among this node and the nodes it is connected to, chosen again at each
 * call: call or cast on any one of them, or on all of them with a result or an error per node (Hazelcast's
 * {@code executeOnMembers}, Ignite's {@code forAttribute}).
 *
 * <pre>{@code
 * Selection workers = Selection.of(node, NodeSelector.attribute("role", "worker"));
 * int load = workers.callAny(() -> Load.now(), Duration.ofSeconds(2));
 * Map<NodeName, Selection.Outcome<Integer>> all = workers.callAll(() -> Load.now(), Duration.ofSeconds(2));
 * }</pre>
 */
public final class Selection {

    private final Node node;
    private final NodeSelector selector;

    private Selection(Node node, NodeSelector selector) {
        this.node = node;
        this.selector = selector;
    }

    /**
     * The nodes a selector chooses, seen from a node.
     *
     * @param node the calling node
     * @param selector which nodes
     * @return the selection
     */
    public static Selection of(Node node, NodeSelector selector) {
        return new Selection(Objects.requireNonNull(node, "node"), Objects.requireNonNull(selector, "selector"));
    }

    /** {@return the nodes chosen now, sorted: this node (by its own attributes) and connected nodes} */
    public Set<NodeName> nodes() {
        Set<NodeName> chosen = new TreeSet<>();
        if (selector.selects(node.name(), node.attributes())) {
            chosen.add(node.name());
        }
        for (NodeName peer : node.connectedNodes()) {
            NodeAttributes attributes = node.attributesOf(peer).orElse(NodeAttributes.empty());
            if (selector.selects(peer, attributes)) {
                chosen.add(peer);
            }
        }
        return chosen;
    }

    /**
     * Runs a task on one chosen node, picked at random, and waits for its result.
     *
     * @param task the task
     * @param timeout how long to wait
     * @param <T> the result type
     * @return its result
     * @throws NoMatchingNodeException if no node is chosen
     * @throws KindlingException as {@link Node#call}
     */
    public <T> T callAny(RemoteCallable<T> task, Duration timeout) {
        return node.call(any(), task, timeout);
    }

    /**
     * Runs a task on every chosen node at once and waits for all of them, each within the timeout.
     *
     * @param task the task
     * @param timeout how long each may take
     * @param <T> the result type
     * @return per chosen node, in name order, its result or its error; empty when no node is chosen
     */
    public <T> Map<NodeName, Outcome<T>> callAll(RemoteCallable<T> task, Duration timeout) {
        Map<NodeName, CompletableFuture<T>> calls = new LinkedHashMap<>();
        for (NodeName chosen : nodes()) {
            CompletableFuture<T> call;
            try {
                call = node.callAsync(chosen, task, timeout);
            } catch (KindlingException e) {
                call = CompletableFuture.failedFuture(e);
            }
            calls.put(chosen, call);
        }
        Map<NodeName, Outcome<T>> outcomes = new LinkedHashMap<>();
        calls.forEach((chosen, call) -> {
            try {
                outcomes.put(chosen, new Outcome.Ok<>(Futures.awaitTimed(call, timeout, "Call to " + chosen,
                        () -> new io.kindling.api.RpcTimeoutException(chosen, timeout, "Call"))));
            } catch (KindlingException e) {
                outcomes.put(chosen, new Outcome.Failed<>(e));
            }
        });
        return outcomes;
    }

    /**
     * Sends a task to one chosen node, picked at random, without a result.
     *
     * @param task the task
     * @throws NoMatchingNodeException if no node is chosen
     */
    public void castAny(RemoteRunnable task) {
        node.cast(any(), task);
    }

    /**
     * Sends a task to every chosen node without a result.
     *
     * @param task the task
     * @return the nodes it was sent to (none when no node is chosen)
     */
    public Set<NodeName> castAll(RemoteRunnable task) {
        Set<NodeName> chosen = nodes();
        for (NodeName target : chosen) {
            node.cast(target, task);
        }
        return chosen;
    }

    private NodeName any() {
        List<NodeName> chosen = new ArrayList<>(nodes());
        if (chosen.isEmpty()) {
            throw new NoMatchingNodeException("No node matches the selector among " + node.name() + " and the "
                    + node.connectedNodes().size() + " nodes it is connected to " + new TreeSet<>(
                            node.connectedNodes()));
        }
        return chosen.get(ThreadLocalRandom.current().nextInt(chosen.size()));
    }

    /**
     * How a call on one node of {@link #callAll} ended.
     *
     * @param <T> the result type
     */
    public sealed interface Outcome<T> {

        /**
         * It answered.
         *
         * @param value the result
         * @param <T> the result type
         */
        record Ok<T>(T value) implements Outcome<T> {
        }

        /**
         * It failed, as {@link Node#call} fails.
         *
         * @param error the error
         * @param <T> the result type
         */
        record Failed<T>(KindlingException error) implements Outcome<T> {
        }
    }
}
