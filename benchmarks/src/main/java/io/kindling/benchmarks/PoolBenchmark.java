package io.kindling.benchmarks;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Pool costs with the {@code peer} backend (child JVMs). Cold call: from {@code pool.call} on an empty pool to the
 * result (child JVM boot, connect, run), a new pool each time; the first run, which also creates the class-data
 * archive, is reported apart. Warm overhead: {@code pool.call} against {@code Node.call} to the same runner.
 * Arguments: {@code --cold N} (default 20), {@code --warm N} (default 20000). Last line:
 * {@code pool cold_median_ms=… cold_first_ms=… warm_overhead_us=… targets: cold<150 overhead<20}.
 */
public final class PoolBenchmark {

    private PoolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int cold = 20;
        int warm = 20_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cold" -> cold = Integer.parseInt(args[++i]);
                case "--warm" -> warm = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --cold N, --warm N");
            }
        }
        try (KindlingNode node = KindlingNode.builder().name("pool-bench@127.0.0.1").cookie("pool-bench").start()) {
            double first = coldCall(node);
            System.out.printf(Locale.ROOT, "cold call 0 (creates the class-data archive): %.1f ms%n", first);
            double[] colds = new double[cold];
            for (int i = 0; i < cold; i++) {
                colds[i] = coldCall(node);
                System.out.printf(Locale.ROOT, "cold call %d: %.1f ms%n", i + 1, colds[i]);
            }
            Arrays.sort(colds);
            double coldMedian = colds[cold / 2];

            double overhead;
            try (Pool pool = Pool.builder(node).name("warm").backend("peer").min(1).max(1).start()) {
                pool.call(() -> 1, Duration.ofSeconds(60));
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
                overhead = poolMedian - directMedian;
                System.out.printf(Locale.ROOT, "warm: pool.call p50 %.1f us, Node.call p50 %.1f us%n", poolMedian,
                        directMedian);
            }
            System.out.printf(Locale.ROOT, "pool cold_median_ms=%.1f cold_first_ms=%.1f warm_overhead_us=%.1f "
                    + "targets: cold<150 overhead<20%n", coldMedian, first, overhead);
        }
    }

    private static double coldCall(KindlingNode node) {
        try (Pool pool = Pool.builder(node).name("cold").backend("peer").max(1).bootTimeout(Duration.ofSeconds(60))
                .shutdownTimeout(Duration.ofSeconds(5)).start()) {
            long started = System.nanoTime();
            int result = pool.call(() -> 42, Duration.ofSeconds(60));
            double millis = (System.nanoTime() - started) / 1e6;
            if (result != 42) {
                throw new IllegalStateException("wrong result " + result);
            }
            return millis;
        }
    }
}
