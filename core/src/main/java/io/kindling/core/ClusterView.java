package io.kindling.core;

import io.kindling.api.NodeName;
import io.kindling.api.metrics.NodeMetrics;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster as one node sees it ({@link SystemTasks#clusterView(java.time.Duration)}): that node and each node it is
 * connected to, each as it describes itself. What an observer draws.
 *
 * @param root the node that gathered the view
 * @param nodes the root first, then every connected node that answered in time
 * @param unanswered connected nodes that did not answer in time, with why
 */
public record ClusterView(NodeName root, List<NodeView> nodes, Map<NodeName, String> unanswered)
        implements Serializable {

    /** Copies the collections; nothing is null. */
    public ClusterView {
        Objects.requireNonNull(root, "root");
        nodes = List.copyOf(nodes);
        unanswered = Map.copyOf(unanswered);
    }

    /**
     * One node: what it says about itself and its metrics.
     *
     * @param info its info: versions, uptime, attributes, connections, pools
     * @param metrics its metrics
     */
    public record NodeView(NodeInfo info, NodeMetrics metrics) implements Serializable {

        /** Checks that nothing is null. */
        public NodeView {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(metrics, "metrics");
        }
    }
}
