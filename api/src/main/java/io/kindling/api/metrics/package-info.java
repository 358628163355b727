/**
 * A node's metrics as plain records: {@link io.kindling.api.metrics.NodeMetrics}, a snapshot taken when asked
 * (core's {@code KindlingNode.metrics()}), counting since the node started. Cheap enough to keep on: counters and a
 * fixed histogram, updated without locks.
 */
package io.kindling.api.metrics;
