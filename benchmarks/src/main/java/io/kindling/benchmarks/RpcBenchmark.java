package io.kindling.benchmarks;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures, in one run, between this JVM and a {@link BenchServer} JVM on loopback: (a) the floor, a blocking
 * socket ping-pong of a 16-byte frame; (b) the sequential {@code Node.call} round trip of a trivial task; (c)
 * throughput with 1, 8 and 64 concurrent callers. Prints one line per figure and a summary line last.
 *
 * <p>Options: {@code --quick} runs shorter phases (a smoke test, not a measurement).
 */
public final class RpcBenchmark {

    private static final RemoteCallable<Integer> TRIVIAL = () -> 1;

    private RpcBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int warmup = quick ? 2_000 : 50_000;
        int samples = quick ? 2_000 : 100_000;
        Duration phase = Duration.ofMillis(quick ? 500 : 5_000);

        Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--module-path", System.getProperty("jdk.module.path"),
                "-m", "io.kindling.benchmarks/" + BenchServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (KindlingNode node = KindlingNode.builder().name("bench-client@127.0.0.1").cookie(BenchServer.COOKIE)
                .start()) {
            String[] ready = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8)).readLine().split(" ");
            int rawPort = Integer.parseInt(ready[1]);
            NodeAddress address = NodeAddress.of(NodeName.parse(BenchServer.NAME), Integer.parseInt(ready[2]));

            double[] floor = floor(rawPort, warmup, samples);
            print("floor  raw socket ping-pong (16 B)   p50_us=%.1f p99_us=%.1f", floor[0], floor[1]);

            NodeName peer = node.connect(address);
            for (int i = 0; i < warmup; i++) {
                node.call(peer, TRIVIAL, Duration.ofSeconds(5));
            }
            long[] nanos = new long[samples];
            for (int i = 0; i < samples; i++) {
                long t = System.nanoTime();
                node.call(peer, TRIVIAL, Duration.ofSeconds(5));
                nanos[i] = System.nanoTime() - t;
            }
            double[] rpc = percentiles(nanos);
            print("rpc    Node.call round trip, 1 caller p50_us=%.1f p99_us=%.1f", rpc[0], rpc[1]);

            double[] throughput = new double[3];
            int[] callers = {1, 8, 64};
            for (int i = 0; i < callers.length; i++) {
                throughput(node, peer, callers[i], phase); // warm this level
                throughput[i] = throughput(node, peer, callers[i], phase);
                print("tput   %2d concurrent callers         calls_per_s=%.0f", callers[i], throughput[i]);
            }
            print("rpc p50_us=%.1f p99_us=%.1f floor_p50_us=%.1f ratio=%.2f tput64_per_s=%.0f", rpc[0], rpc[1],
                    floor[0], rpc[0] / floor[0], throughput[2]);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static double[] floor(int port, int warmup, int samples) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] frame = new byte[16];
            long[] nanos = new long[samples];
            for (int i = 0; i < warmup + samples; i++) {
                long t = System.nanoTime();
                out.write(frame);
                out.flush();
                in.readFully(frame);
                if (i >= warmup) {
                    nanos[i - warmup] = System.nanoTime() - t;
                }
            }
            return percentiles(nanos);
        }
    }

    private static double throughput(KindlingNode node, NodeName peer, int callers, Duration phase)
            throws InterruptedException {
        LongAdder calls = new LongAdder();
        long end = System.nanoTime() + phase.toNanos();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    node.call(peer, TRIVIAL, Duration.ofSeconds(5));
                    calls.increment();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return calls.sum() / ((System.nanoTime() - started) / 1e9);
    }

    private static double[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3};
    }

    private static void print(String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, format, values));
    }
}
