package io.kindling.core.internal.metrics;

import io.kindling.api.NodeName;
import io.kindling.api.metrics.PeerMetrics;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * One connection's counts: calls each way by outcome, bytes each way. Its owner, {@link NodeMeters}, adds them to
 * the node's totals when the connection closes.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class PeerMeters {

    final NodeName peer;
    private final IntSupplier tasksRunning;
    /** Calls this node made on the connection. */
    public final CallCounter out = new CallCounter();
    /** Calls the peer made. */
    public final CallCounter in = new CallCounter();
    /** Bytes read, frame headers included. */
    public final LongAdder bytesIn = new LongAdder();
    /** Bytes written. */
    public final LongAdder bytesOut = new LongAdder();

    PeerMeters(NodeName peer, IntSupplier tasksRunning) {
        this.peer = peer;
        this.tasksRunning = tasksRunning;
    }

    PeerMetrics snapshot() {
        return new PeerMetrics(peer, out.snapshot(), in.snapshot(), bytesIn.sum(), bytesOut.sum(),
                tasksRunning.getAsInt());
    }
}
