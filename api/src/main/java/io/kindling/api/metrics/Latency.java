package io.kindling.api.metrics;

import java.io.Serializable;
/**
 * The round trip of calls this node made, from sending the call to its outcome, since the node started. The
 * percentiles come from a histogram whose buckets are 1/16 of a power of two wide: each is within 6.25 % of the
 * exact value.
 *
 * @param count how many calls were measured
 * @param p50Micros the median, in microseconds (0 when none)
 * @param p90Micros the 90th percentile
 * @param p99Micros the 99th percentile
 * @param maxMicros the longest
 */
public record Latency(long count, double p50Micros, double p90Micros, double p99Micros, double maxMicros)
        implements Serializable {

    /** No calls measured. */
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0);
}
