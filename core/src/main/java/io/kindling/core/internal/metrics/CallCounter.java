package io.kindling.core.internal.metrics;

import io.kindling.api.metrics.CallCounts;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls by outcome, counted without locks.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class CallCounter {

    private final LongAdder[] counts = new LongAdder[Outcome.values().length];

    /** Starts at zero. */
    public CallCounter() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /**
     * Counts one call.
     *
     * @param outcome how it ended
     */
    public void count(Outcome outcome) {
        counts[outcome.ordinal()].increment();
    }

    /**
     * Adds counts, for a connection that closed.
     *
     * @param more the counts
     */
    public void add(CallCounts more) {
        counts[Outcome.OK.ordinal()].add(more.ok());
        counts[Outcome.FAILED.ordinal()].add(more.failed());
        counts[Outcome.TIMED_OUT.ordinal()].add(more.timedOut());
        counts[Outcome.REFUSED.ordinal()].add(more.refused());
        counts[Outcome.NODE_DOWN.ordinal()].add(more.nodeDown());
        counts[Outcome.CANCELLED.ordinal()].add(more.cancelled());
    }

    /** {@return the counts now} */
    public CallCounts snapshot() {
        return new CallCounts(counts[Outcome.OK.ordinal()].sum(), counts[Outcome.FAILED.ordinal()].sum(),
                counts[Outcome.TIMED_OUT.ordinal()].sum(), counts[Outcome.REFUSED.ordinal()].sum(),
                counts[Outcome.NODE_DOWN.ordinal()].sum(), counts[Outcome.CANCELLED.ordinal()].sum());
    }
}
