package io.kindling.benchmarks;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pool costs with the {@code peer} backend (child JVMs), one line per figure:
 * <ul>
 *   <li>cold call: from {@code pool.call} on an empty pool to the result (child JVM boot, connect, run), a new pool
 *       each time, against Erlang's {@code peer:start_link} plus the first {@code erpc:call} in the same run; the
 *       first run, which also trains the start-up cache, is reported apart;</li>
 *   <li>a burst: 8 callers arriving at once, one call each, on a pool that boots on demand (one runner per call) and
 *       on one whose scaling policy booted the 8 runners beforehand: p50 and p99 over every call of every round;</li>
 *   <li>warm overhead: {@code pool.call} against {@code Node.call} to the same runner.</li>
 * </ul>
 * Arguments: {@code --cold N} (default 20), {@code --burst-rounds N} (default 5; 0 skips the bursts),
 * {@code --warm N} (default 20000; 0 skips it), {@code --no-erlang}.
 */
public final class PoolBenchmark {

    private static final int BURST_CALLERS = 8;
    private static final Duration LONG = Duration.ofSeconds(60);

    private PoolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int cold = 20;
        int burstRounds = 5;
        int warm = 20_000;
        boolean erlang = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cold" -> cold = Integer.parseInt(args[++i]);
                case "--burst-rounds" -> burstRounds = Integer.parseInt(args[++i]);
                case "--warm" -> warm = Integer.parseInt(args[++i]);
                case "--no-erlang" -> erlang = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --cold N, --burst-rounds N, --warm N, --no-erlang");
            }
        }
        try (KindlingNode node = KindlingNode.builder().name("pool-bench@127.0.0.1").cookie("pool-bench").start()) {
            double first = coldCall(node);
            RpcBenchmark.print("cold call 0 (trains the start-up cache): %.1f ms", first);
            double[] colds = new double[cold];
            for (int i = 0; i < cold; i++) {
                colds[i] = coldCall(node);
                RpcBenchmark.print("cold call %d: %.1f ms", i + 1, colds[i]);
            }
            Arrays.sort(colds);
            double coldMedian = colds[cold / 2];
            double coldP90 = colds[Math.max(0, (cold * 9) / 10 - 1)];
            RpcBenchmark.print("pool   cold  kindling_median_ms=%.1f p90_ms=%.1f first_ms=%.1f target_ms=90",
                    coldMedian, coldP90, first);
            if (erlang) {
                Map<String, Double> peer = ErlangRpc.peerColdCalls(cold);
                if (peer.containsKey("peer cold_median_ms")) {
                    double erlangMedian = peer.get("peer cold_median_ms");
                    RpcBenchmark.print("vs     cold  kindling_median_ms=%.1f erlang_median_ms=%.1f ratio=%.2f",
                            coldMedian, erlangMedian, coldMedian / erlangMedian);
                }
            }

            if (burstRounds > 0) {
                burst(node, "on_demand", burstRounds, false);
                burst(node, "prewarmed", burstRounds, true);
            }
            if (warm > 0) {
                warmOverhead(node, warm);
            }
        }
    }

    private static double coldCall(KindlingNode node) {
        try (Pool pool = Pool.builder(node).name("cold").backend("peer").max(1).bootTimeout(LONG)
                .shutdownTimeout(Duration.ofSeconds(5)).start()) {
            long started = System.nanoTime();
            int result = pool.call(() -> 42, LONG);
            double millis = (System.nanoTime() - started) / 1e6;
            if (result != 42) {
                throw new IllegalStateException("wrong result " + result);
            }
            return millis;
        }
    }

    /** Rounds of 8 callers arriving at once, on a new pool each round; prints p50 and p99 over all calls. */
    private static void burst(KindlingNode node, String label, int rounds, boolean prewarmed) throws Exception {
        List<Double> all = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            PoolBuilder builder = Pool.builder(node).name("burst-" + label).backend("peer").max(BURST_CALLERS)
                    .maxConcurrency(1).bootTimeout(LONG).shutdownTimeout(Duration.ofSeconds(5));
            if (prewarmed) {
                builder.scalingPolicy(state -> BURST_CALLERS); // the application knows a burst is coming
            }
            try (Pool pool = builder.start()) {
                if (prewarmed) {
                    long deadline = System.nanoTime() + LONG.toNanos();
                    while (pool.runners().size() < BURST_CALLERS) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("the policy's runners did not boot: " + pool);
                        }
                        TimeUnit.MILLISECONDS.sleep(10); // polling the pool's state, bounded by the deadline
                    }
                }
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Double>> calls = new ArrayList<>();
                for (int i = 0; i < BURST_CALLERS; i++) {
                    CompletableFuture<Double> took = new CompletableFuture<>();
                    calls.add(took);
                    Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            long started = System.nanoTime();
                            pool.call(() -> 42, LONG);
                            took.complete((System.nanoTime() - started) / 1e6);
                        } catch (Throwable e) {
                            took.completeExceptionally(e);
                        }
                    });
                }
                go.countDown();
                for (CompletableFuture<Double> call : calls) {
                    all.add(call.get(2, TimeUnit.MINUTES));
                }
            }
        }
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        RpcBenchmark.print("burst  %-9s callers=%d calls=%d p50_ms=%.1f p99_ms=%.1f", label, BURST_CALLERS,
                sorted.length, sorted[sorted.length / 2], sorted[Math.max(0, (int) Math.ceil(sorted.length * 0.99)
                        - 1)]);
    }

    private static void warmOverhead(KindlingNode node, int warm) {
        try (Pool pool = Pool.builder(node).name("warm").backend("peer").min(1).max(1).start()) {
            pool.call(() -> 1, LONG);
            NodeName runner = pool.runners().getFirst();
            for (int i = 0; i < 5_000; i++) { // warm up both paths
                pool.call(() -> 1);
                node.call(runner, () -> 1, Duration.ofSeconds(5));
            }
            long[] viaPool = new long[warm];
            long[] direct = new long[warm];
            for (int i = 0; i < warm; i++) {
                long t0 = System.nanoTime();
                pool.call(() -> 1);
                long t1 = System.nanoTime();
                node.call(runner, () -> 1, Duration.ofSeconds(5));
                long t2 = System.nanoTime();
                viaPool[i] = t1 - t0;
                direct[i] = t2 - t1;
            }
            Arrays.sort(viaPool);
            Arrays.sort(direct);
            double poolMedian = viaPool[warm / 2] / 1000.0;
            double directMedian = direct[warm / 2] / 1000.0;
            RpcBenchmark.print("warm   overhead pool_p50_us=%.1f node_p50_us=%.1f overhead_us=%.1f", poolMedian,
                    directMedian, poolMedian - directMedian);
        }
    }
}
