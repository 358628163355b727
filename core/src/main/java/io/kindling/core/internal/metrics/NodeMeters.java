package io.kindling.core.internal.metrics;

import io.kindling.api.NodeName;
import io.kindling.api.metrics.CallCounts;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.api.metrics.PeerMetrics;
import io.kindling.api.metrics.PoolMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * A node's metrics: the live connections' {@link PeerMeters}, what closed connections counted, and the round-trip
 * histogram of its calls. Counting takes no lock; opening, retiring and a snapshot share one, so that a connection
 * closing never makes a total go down or count twice.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class NodeMeters {

    private final LatencyHistogram latency = new LatencyHistogram();
    private final Set<PeerMeters> live = new LinkedHashSet<>();
    private CallCounts closedOut = CallCounts.NONE;
    private CallCounts closedIn = CallCounts.NONE;
    private long closedBytesIn;
    private long closedBytesOut;

    /** {@return the round trips of this node's calls} */
    public LatencyHistogram latency() {
        return latency;
    }

    /**
     * Starts counting for a new connection.
     *
     * @param peer its peer
     * @param tasksRunning how many of the peer's tasks run here now
     * @return its meters
     */
    public synchronized PeerMeters open(NodeName peer, IntSupplier tasksRunning) {
        PeerMeters meters = new PeerMeters(peer, tasksRunning);
        live.add(meters);
        return meters;
    }

    /**
     * Adds a closed connection's counts to the node's, once.
     *
     * @param meters its meters
     */
    public synchronized void retire(PeerMeters meters) {
        if (!live.remove(meters)) {
            return;
        }
        PeerMetrics last = meters.snapshot();
        closedOut = closedOut.plus(last.callsOut());
        closedIn = closedIn.plus(last.callsIn());
        closedBytesIn += last.bytesIn();
        closedBytesOut += last.bytesOut();
    }

    /**
     * {@return the node's metrics now}
     *
     * @param node the node
     * @param uptimeMillis since it started
     * @param tasksRunning tasks peers run here now
     * @param pools its pools
     */
    public synchronized NodeMetrics snapshot(NodeName node, long uptimeMillis, int tasksRunning,
            List<PoolMetrics> pools) {
        CallCounts out = closedOut;
        CallCounts in = closedIn;
        long bytesIn = closedBytesIn;
        long bytesOut = closedBytesOut;
        List<PeerMetrics> peers = new ArrayList<>();
        for (PeerMeters meters : live) {
            PeerMetrics peer = meters.snapshot();
            peers.add(peer);
            out = out.plus(peer.callsOut());
            in = in.plus(peer.callsIn());
            bytesIn += peer.bytesIn();
            bytesOut += peer.bytesOut();
        }
        return new NodeMetrics(node, uptimeMillis, out, in, latency.snapshot(), bytesIn, bytesOut, peers.size(),
                tasksRunning, peers, pools);
    }
}
