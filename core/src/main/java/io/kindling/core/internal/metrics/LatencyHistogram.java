package io.kindling.core.internal.metrics;

import io.kindling.api.metrics.Latency;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations in a fixed log-linear histogram: each power of two of nanoseconds is split into {@value #SUB} buckets,
 * so a percentile read back is within 1/{@value #SUB} of the exact value; recording is one atomic increment, and
 * memory is fixed (64 × {@value #SUB} counters).
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class LatencyHistogram {

    static final int SUB_BITS = 4;
    static final int SUB = 1 << SUB_BITS;

    private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB);
    private final AtomicLong max = new AtomicLong();

    /**
     * Records a duration.
     *
     * @param nanos the duration; negative counts as 0
     */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        buckets.incrementAndGet(index(value));
        if (value > max.get()) {
            max.accumulateAndGet(value, Math::max);
        }
    }

    static int index(long value) {
        if (value < SUB) {
            return (int) value;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(value); // >= SUB_BITS
        int sub = (int) (value >>> (magnitude - SUB_BITS)) & (SUB - 1);
        return (magnitude - SUB_BITS + 1) * SUB + sub;
    }

    /** The middle of a bucket's range, in nanoseconds. */
    static double value(int index) {
        if (index < SUB) {
            return index;
        }
        int magnitude = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long low = (1L << magnitude) + ((long) sub << (magnitude - SUB_BITS));
        return low + (1L << (magnitude - SUB_BITS)) / 2.0;
    }

    /** {@return the count and percentiles now, in microseconds} */
    public Latency snapshot() {
        long[] counts = new long[buckets.length()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets.get(i);
            total += counts[i];
        }
        if (total == 0) {
            return Latency.NONE;
        }
        return new Latency(total, percentile(counts, total, 0.50), percentile(counts, total, 0.90),
                percentile(counts, total, 0.99), max.get() / 1e3);
    }

    private double percentile(long[] counts, long total, double fraction) {
        long rank = Math.max(1, (long) Math.ceil(total * fraction));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(value(i), max.get()) / 1e3;
            }
        }
        return max.get() / 1e3;
    }
}
