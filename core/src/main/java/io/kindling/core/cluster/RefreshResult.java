package io.kindling.core.cluster;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one refresh of a {@link Cluster} did: a full success, a strategy that failed (nothing was connected or
 * disconnected), or a refresh in which some nodes or sources failed.
 */
public sealed interface RefreshResult {

    /** {@return the nodes connected after the refresh, this node excluded} */
    Set<NodeName> nodes();

    /** {@return whether nothing failed} */
    default boolean ok() {
        return this instanceof Success;
    }

    /**
     * Everything discovered is connected and pruning ran.
     *
     * @param nodes the nodes connected afterwards, this node excluded
     * @param connected the nodes this refresh connected
     * @param pruned the nodes this refresh disconnected under the prune policy
     * @param skipped what the strategy saw and did not dial, with the reason (for example an Erlang node)
     */
    record Success(Set<NodeName> nodes, Set<NodeName> connected, Set<NodeName> pruned, Map<String, String> skipped)
            implements RefreshResult {
        /** Copies the parts. */
        public Success {
            nodes = sorted(nodes);
            connected = sorted(connected);
            pruned = sorted(pruned);
            skipped = copy(skipped);
        }
    }

    /**
     * The strategy failed (threw, or overran the discovery timeout): nothing was connected or disconnected.
     *
     * @param nodes the nodes connected, unchanged
     * @param error what the strategy threw, or a {@link java.util.concurrent.TimeoutException}
     */
    record StrategyFailure(Set<NodeName> nodes, Throwable error) implements RefreshResult {
        /** Copies the parts. */
        public StrategyFailure {
            nodes = sorted(nodes);
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The strategy answered, but some sources, connects or disconnects failed. After failed sources nothing is
     * pruned.
     *
     * @param nodes the nodes connected afterwards, this node excluded
     * @param connected the nodes this refresh connected
     * @param pruned the nodes this refresh disconnected
     * @param skipped what the strategy saw and did not dial, with the reason
     * @param sourceFailures the discovery sources that could not be asked, with the error
     * @param connectFailures the discovered nodes that could not be connected, with the error
     * @param disconnectFailures the nodes that could not be pruned, with the error
     */
    record PartialFailure(Set<NodeName> nodes, Set<NodeName> connected, Set<NodeName> pruned,
            Map<String, String> skipped, Map<String, String> sourceFailures,
            Map<NodeAddress, RuntimeException> connectFailures, Map<NodeName, RuntimeException> disconnectFailures)
            implements RefreshResult {
        /** Copies the parts. */
        public PartialFailure {
            nodes = sorted(nodes);
            connected = sorted(connected);
            pruned = sorted(pruned);
            skipped = copy(skipped);
            sourceFailures = copy(sourceFailures);
            connectFailures = copy(connectFailures);
            disconnectFailures = copy(disconnectFailures);
        }
    }

    private static Set<NodeName> sorted(Set<NodeName> names) {
        return Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNull(names, "nodes")));
    }

    private static <K, V> Map<K, V> copy(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map, "map")));
    }

    /**
     * The result in a few words, for a log line or a timeout message.
     *
     * @param result a result, or {@code null} for none yet
     * @return the text
     */
    static String describe(RefreshResult result) {
        return switch (result) {
            case null -> "none yet";
            case Success s -> "ok, " + s.nodes().size() + " nodes " + s.nodes()
                    + (s.skipped().isEmpty() ? "" : ", skipped " + s.skipped());
            case StrategyFailure f -> "strategy failed (connections kept): "
                    + (f.error().getMessage() != null ? f.error().getMessage() : f.error().toString());
            case PartialFailure p -> "partial, " + p.nodes().size() + " nodes " + p.nodes()
                    + (p.sourceFailures().isEmpty() ? "" : ", sources failed " + p.sourceFailures())
                    + (p.connectFailures().isEmpty() ? "" : ", connects failed " + messages(p.connectFailures()))
                    + (p.disconnectFailures().isEmpty() ? "" : ", disconnects failed "
                            + messages(p.disconnectFailures()))
                    + (p.skipped().isEmpty() ? "" : ", skipped " + p.skipped());
        };
    }

    /** What failed, and the message. */
    private static Map<Object, String> messages(Map<?, RuntimeException> failures) {
        Map<Object, String> messages = new LinkedHashMap<>();
        failures.forEach((key, e) -> messages.put(key, e.getMessage() != null ? e.getMessage() : e.toString()));
        return messages;
    }
}
