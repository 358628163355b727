package io.kindling.core.cluster;

import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import java.util.Objects;

/**
 * What a {@link Cluster} tells its listeners, in order, on the cluster's event thread.
 */
public sealed interface ClusterEvent {

    /** {@return the cluster's name} */
    String cluster();

    /**
     * A refresh finished.
     *
     * @param cluster the cluster's name
     * @param result what it did
     */
    record Refreshed(String cluster, RefreshResult result) implements ClusterEvent {
        /** Checks the parts are present. */
        public Refreshed {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Polling stopped until {@link Cluster#resume()}.
     *
     * @param cluster the cluster's name
     */
    record Paused(String cluster) implements ClusterEvent {
    }

    /**
     * Polling started again.
     *
     * @param cluster the cluster's name
     */
    record Resumed(String cluster) implements ClusterEvent {
    }

    /**
     * The cluster stopped for good; the last event it sends.
     *
     * @param cluster the cluster's name
     */
    record ShutDown(String cluster) implements ClusterEvent {
    }

    /**
     * The node connected to another node.
     *
     * @param cluster the cluster's name
     * @param node the other node
     * @param attributes its attributes
     */
    record NodeUp(String cluster, NodeName node, NodeAttributes attributes) implements ClusterEvent {
        /** Checks the parts are present. */
        public NodeUp {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(attributes, "attributes");
        }
    }

    /**
     * The node lost another node.
     *
     * @param cluster the cluster's name
     * @param node the other node
     * @param reason why, in words
     */
    record NodeDown(String cluster, NodeName node, String reason) implements ClusterEvent {
        /** Checks the parts are present. */
        public NodeDown {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
