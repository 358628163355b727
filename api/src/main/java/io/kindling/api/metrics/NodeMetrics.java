package io.kindling.api.metrics;

import io.kindling.api.NodeName;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A node's metrics at one moment; counts run since the node started, over every connection it ever had.
 *
 * @param node the node
 * @param uptimeMillis milliseconds since it started
 * @param callsOut calls it made
 * @param callsIn calls it served
 * @param latency the round trips of the calls it made
 * @param bytesIn bytes received on its connections
 * @param bytesOut bytes sent
 * @param connections nodes connected now
 * @param tasksRunning tasks peers run here now
 * @param peers per peer connected now
 * @param pools the pools it is the parent of
 */
public record NodeMetrics(NodeName node, long uptimeMillis, CallCounts callsOut, CallCounts callsIn, Latency latency,
        long bytesIn, long bytesOut, int connections, int tasksRunning, List<PeerMetrics> peers,
        List<PoolMetrics> pools) implements Serializable {

    /** Copies the lists; nothing is null. */
    public NodeMetrics {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(callsOut, "callsOut");
        Objects.requireNonNull(callsIn, "callsIn");
        Objects.requireNonNull(latency, "latency");
        peers = List.copyOf(peers);
        pools = List.copyOf(pools);
    }
}
