package io.kindling.api.metrics;

import io.kindling.api.NodeName;
import java.io.Serializable;
import java.util.Objects;

/**
 * What went between this node and one peer it is connected to now, over the current connection.
 *
 * @param peer the peer
 * @param callsOut calls this node made to the peer
 * @param callsIn calls the peer made to this node
 * @param bytesIn bytes received from the peer (frames, after the handshake)
 * @param bytesOut bytes sent to the peer
 * @param tasksRunning the peer's tasks running here now
 */
public record PeerMetrics(NodeName peer, CallCounts callsOut, CallCounts callsIn, long bytesIn, long bytesOut,
        int tasksRunning) implements Serializable {

    /** Checks that nothing is null. */
    public PeerMetrics {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(callsOut, "callsOut");
        Objects.requireNonNull(callsIn, "callsIn");
    }
}
