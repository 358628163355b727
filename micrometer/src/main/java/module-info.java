/**
 * Kindling's Micrometer binding: {@link io.kindling.micrometer.KindlingMetrics}, a {@code MeterBinder} over a node's
 * metrics snapshot. Depends on Kindling's api only (the snapshot's records) and on Micrometer.
 */
module io.kindling.micrometer {
    requires transitive io.kindling.api;
    requires transitive micrometer.core;
    requires com.google.common;

    exports io.kindling.micrometer;
}
