package io.kindling.micrometer;

import com.google.common.base.Suppliers;
import io.kindling.api.NodeName;
import io.kindling.api.metrics.CallCounts;
import io.kindling.api.metrics.Latency;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.api.metrics.PeerMetrics;
import io.kindling.api.metrics.PoolMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Exposes a Kindling node's metrics to Micrometer, with Micrometer's naming conventions (dots; each registry renders
 * them its way: {@code kindling_calls_total} in Prometheus). Every meter carries the tag {@code node}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code kindling.calls}</td><td>counter</td><td>{@code direction} (out, in), {@code outcome} (ok, failed,
 *       timed_out, refused, node_down, cancelled)</td></tr>
 *   <tr><td>{@code kindling.calls.roundtrip}</td><td>time gauge</td><td>{@code phi} (0.5, 0.9, 0.99, 1.0 =
 *       max): the round trips of the calls this node made</td></tr>
 *   <tr><td>{@code kindling.bytes}</td><td>counter (bytes)</td><td>{@code direction}</td></tr>
 *   <tr><td>{@code kindling.connections}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code kindling.tasks.running}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code kindling.peer.calls}, {@code kindling.peer.bytes}</td><td>counters</td><td>{@code peer},
 *       {@code direction} (and {@code outcome} for calls): per connected peer; a peer's meters go when it
 *       disconnects</td></tr>
 *   <tr><td>{@code kindling.pool.runners}</td><td>gauge</td><td>{@code pool}, {@code state} (up, booting, busy)
 *       </td></tr>
 *   <tr><td>{@code kindling.pool.queued}</td><td>gauge</td><td>{@code pool}</td></tr>
 *   <tr><td>{@code kindling.pool.boots}</td><td>counter</td><td>{@code pool}, {@code outcome} (ok, failed)</td></tr>
 * </table>
 *
 * <p>One snapshot serves every meter read within {@link #DEFAULT_MAX_AGE} (default 1 s), so a scrape takes one
 * snapshot, not one per meter. Peers and pools that appear are registered at the next read; those that go are
 * removed.
 */
public final class KindlingMetrics implements MeterBinder {

    /** How old a snapshot may be before a meter read takes a new one. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    private static final Map<String, ToDoubleFunction<CallCounts>> OUTCOMES = Map.of(
            "ok", CallCounts::ok, "failed", CallCounts::failed, "timed_out", CallCounts::timedOut,
            "refused", CallCounts::refused, "node_down", CallCounts::nodeDown, "cancelled", CallCounts::cancelled);

    private final Supplier<NodeMetrics> snapshots;
    private final Tags common;
    private final Map<Object, List<Meter>> dynamic = new HashMap<>();
    private MeterRegistry registry;
    /** The snapshot the per-peer and per-pool meters were last brought in line with. */
    private NodeMetrics aligned;

    /**
     * A binder over a node's metrics, each snapshot kept for {@link #DEFAULT_MAX_AGE}.
     *
     * @param source takes a snapshot: {@code node::metrics} for a {@code KindlingNode}
     */
    public KindlingMetrics(Supplier<NodeMetrics> source) {
        this(source, DEFAULT_MAX_AGE);
    }

    /**
     * A binder over a node's metrics.
     *
     * @param source takes a snapshot
     * @param maxAge how long one snapshot serves meter reads; positive
     * @throws IllegalArgumentException if {@code maxAge} is not positive
     */
    public KindlingMetrics(Supplier<NodeMetrics> source, Duration maxAge) {
        Objects.requireNonNull(source, "source");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, not " + maxAge);
        }
        this.snapshots = Suppliers.memoizeWithExpiration(source::get, maxAge.toNanos(), TimeUnit.NANOSECONDS);
        this.common = Tags.of("node", source.get().node().toString());
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (String direction : List.of("out", "in")) {
            Function<NodeMetrics, CallCounts> calls = direction.equals("out") ? NodeMetrics::callsOut
                    : NodeMetrics::callsIn;
            OUTCOMES.forEach((outcome, count) -> FunctionCounter.builder("kindling.calls", this,
                            self -> count.applyAsDouble(calls.apply(self.current())))
                    .tags(common).tag("direction", direction).tag("outcome", outcome)
                    .description("Calls by direction (out: made by this node, in: served) and outcome")
                    .register(registry));
        }
        Map<String, ToDoubleFunction<Latency>> quantiles = Map.of("0.5", Latency::p50Micros, "0.9",
                Latency::p90Micros, "0.99", Latency::p99Micros, "1.0", Latency::maxMicros);
        quantiles.forEach((phi, value) -> TimeGauge.builder("kindling.calls.roundtrip", this, TimeUnit.MICROSECONDS,
                        self -> value.applyAsDouble(self.current().latency()))
                .tags(common).tag("phi", phi)
                .description("Round trips of the calls this node made, by quantile (1.0: the longest)")
                .register(registry));
        FunctionCounter.builder("kindling.bytes", this, self -> self.current().bytesIn()).tags(common)
                .tag("direction", "in").baseUnit("bytes").description("Bytes received and sent").register(registry);
        FunctionCounter.builder("kindling.bytes", this, self -> self.current().bytesOut()).tags(common)
                .tag("direction", "out").baseUnit("bytes").description("Bytes received and sent").register(registry);
        // Micrometer holds a function meter's object weakly; this one strong reference keeps the binder, and so every
        // meter of it, reporting for as long as the registry lives, without the caller keeping it.
        Gauge.builder("kindling.connections", this, self -> self.current().connections()).tags(common)
                .description("Nodes connected now").strongReference(true).register(registry);
        Gauge.builder("kindling.tasks.running", this, self -> self.current().tasksRunning()).tags(common)
                .description("Tasks peers run on this node now").register(registry);
        current();
    }

    /** The snapshot, with the per-peer and per-pool meters brought in line with it. */
    private NodeMetrics current() {
        NodeMetrics now = snapshots.get();
        synchronized (this) {
            if (registry != null && now != aligned) {
                align(now); // once per snapshot, not once per meter read
                aligned = now;
            }
        }
        return now;
    }

    private void align(NodeMetrics now) {
        Set<Object> present = new java.util.HashSet<>();
        for (PeerMetrics peer : now.peers()) {
            present.add(peer.peer());
            dynamic.computeIfAbsent(peer.peer(), key -> peerMeters((NodeName) key));
        }
        for (PoolMetrics pool : now.pools()) {
            String key = "pool:" + pool.name();
            present.add(key);
            dynamic.computeIfAbsent(key, k -> poolMeters(pool.name()));
        }
        dynamic.keySet().removeIf(key -> {
            if (present.contains(key)) {
                return false;
            }
            dynamic.get(key).forEach(registry::remove);
            return true;
        });
    }

    private List<Meter> peerMeters(NodeName peer) {
        Tags tags = common.and("peer", peer.toString());
        List<Meter> meters = new ArrayList<>();
        for (String direction : List.of("out", "in")) {
            Function<PeerMetrics, CallCounts> calls = direction.equals("out") ? PeerMetrics::callsOut
                    : PeerMetrics::callsIn;
            OUTCOMES.forEach((outcome, count) -> meters.add(FunctionCounter.builder("kindling.peer.calls", this,
                            self -> self.peer(peer).map(p -> count.applyAsDouble(calls.apply(p))).orElse(Double.NaN))
                    .tags(tags).tag("direction", direction).tag("outcome", outcome)
                    .description("Calls with one peer over its current connection").register(registry)));
        }
        meters.add(FunctionCounter.builder("kindling.peer.bytes", this,
                        self -> self.peer(peer).map(p -> (double) p.bytesIn()).orElse(Double.NaN))
                .tags(tags).tag("direction", "in").baseUnit("bytes").register(registry));
        meters.add(FunctionCounter.builder("kindling.peer.bytes", this,
                        self -> self.peer(peer).map(p -> (double) p.bytesOut()).orElse(Double.NaN))
                .tags(tags).tag("direction", "out").baseUnit("bytes").register(registry));
        return meters;
    }

    private List<Meter> poolMeters(String pool) {
        Tags tags = common.and("pool", pool);
        List<Meter> meters = new ArrayList<>();
        Map<String, ToDoubleFunction<PoolMetrics>> states = Map.of("up", PoolMetrics::runners, "booting",
                PoolMetrics::booting, "busy", PoolMetrics::busy);
        states.forEach((state, value) -> meters.add(Gauge.builder("kindling.pool.runners", this,
                        self -> self.pool(pool).map(p -> value.applyAsDouble(p)).orElse(Double.NaN))
                .tags(tags).tag("state", state).description("A pool's runners by state").register(registry)));
        meters.add(Gauge.builder("kindling.pool.queued", this,
                        self -> self.pool(pool).map(p -> (double) p.queued()).orElse(Double.NaN))
                .tags(tags).description("Calls waiting for room on a runner").register(registry));
        meters.add(FunctionCounter.builder("kindling.pool.boots", this,
                        self -> self.pool(pool).map(p -> (double) p.boots()).orElse(Double.NaN))
                .tags(tags).tag("outcome", "ok").description("Runner boots").register(registry));
        meters.add(FunctionCounter.builder("kindling.pool.boots", this,
                        self -> self.pool(pool).map(p -> (double) p.bootFailures()).orElse(Double.NaN))
                .tags(tags).tag("outcome", "failed").description("Runner boots").register(registry));
        return meters;
    }

    private java.util.Optional<PeerMetrics> peer(NodeName name) {
        return current().peers().stream().filter(p -> p.peer().equals(name)).findFirst();
    }

    private java.util.Optional<PoolMetrics> pool(String name) {
        return current().pools().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "KindlingMetrics" + common.stream().map(Tag::getValue).collect(Collectors.toList());
    }
}
