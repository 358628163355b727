package io.kindling.api.spi;

import io.kindling.api.NodeAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one {@link DiscoveryStrategy#discover()} found.
 *
 * @param nodes the nodes to connect to now
 * @param skipped things the strategy saw and chose not to dial, each with the reason (for example an Erlang node
 *     registered on the same port mapper: {@code "erl@127.0.0.1" -> "an Erlang node (type M), not a Kindling
 *     node"}); reported in the cluster's result, never dialed
 * @param failures sources that could not be asked this time while others answered, each with the error (for
 *     example one unreachable host out of three). The nodes those sources would have named are unknown, so a
 *     cluster prunes nothing after a discovery with failures. When every source failed, the strategy throws
 *     instead.
 */
public record Discovery(Set<NodeAddress> nodes, Map<String, String> skipped, Map<String, String> failures) {

    /** Copies the parts, keeping their order. */
    public Discovery {
        nodes = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(nodes, "nodes")));
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(skipped, "skipped")));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(failures, "failures")));
    }

    /**
     * A complete answer with nothing skipped.
     *
     * @param nodes the nodes to connect to
     * @return the discovery
     */
    public static Discovery of(Collection<NodeAddress> nodes) {
        return new Discovery(new LinkedHashSet<>(nodes), Map.of(), Map.of());
    }

    /** {@return whether every source answered} */
    public boolean complete() {
        return failures.isEmpty();
    }

    /** {@return a builder for a discovery with skipped entries or partial failures} */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the parts of a {@link Discovery}. Not thread-safe. */
    public static final class Builder {
        private final Set<NodeAddress> nodes = new LinkedHashSet<>();
        private final Map<String, String> skipped = new LinkedHashMap<>();
        private final Map<String, String> failures = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a node to connect to.
         *
         * @param node its address
         * @return this builder
         */
        public Builder node(NodeAddress node) {
            nodes.add(Objects.requireNonNull(node, "node"));
            return this;
        }

        /**
         * Records something seen and not dialed.
         *
         * @param what what was seen, e.g. a node name
         * @param reason why it is not dialed
         * @return this builder
         */
        public Builder skip(String what, String reason) {
            skipped.put(Objects.requireNonNull(what, "what"), Objects.requireNonNull(reason, "reason"));
            return this;
        }

        /**
         * Records a source that could not be asked.
         *
         * @param source the source, e.g. a host
         * @param error what went wrong
         * @return this builder
         */
        public Builder failure(String source, String error) {
            failures.put(Objects.requireNonNull(source, "source"), Objects.requireNonNull(error, "error"));
            return this;
        }

        /** {@return the discovery} */
        public Discovery build() {
            return new Discovery(nodes, skipped, failures);
        }
    }
}
