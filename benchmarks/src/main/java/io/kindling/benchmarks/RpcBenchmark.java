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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures, in one run, Kindling between this JVM and a {@link BenchServer} JVM on loopback, and Erlang's
 * {@code erpc:call} between two Erlang nodes ({@link ErlangRpc}), with three task shapes that capture arguments as
 * real code does: {@code noarg} ({@code () -> 1}), {@code str100} (captures a 100-char string, returns its
 * length), {@code echo1k} (captures a {@code byte[1024]}, returns it).
 *
 * <p>{@code --mode rtt}: the floor (a blocking socket ping-pong of 16 bytes) and the sequential round trip of each
 * shape, p50 and p99; run it under {@code taskset -c 0} for the one-CPU figure, as {@code run-rpc} does.
 * {@code --mode tput}: calls per second with 1, 8 and 64 concurrent callers, each shape. Each line is one figure;
 * the last lines compare Kindling with Erlang per shape. {@code --quick} runs short phases (a smoke test, not a
 * measurement); {@code --shape NAME} measures one shape only; {@code --callers 8,64} sets the caller counts;
 * {@code --no-erlang} skips Erlang (for profiling Kindling alone; the run then prints no ratios);
 * {@code --transports tcp,tls} measures each transport in turn (default {@code tcp}) and prints the TLS/TCP ratio of
 * each figure ({@code tls} uses a throwaway PKI made with {@code keytool}, {@link BenchPki}).
 */
public final class RpcBenchmark {

    /** The task shapes, in print order. */
    static final List<String> SHAPES = List.of("noarg", "str100", "echo1k");
    private static final int[] CALLERS = {1, 8, 64};

    private RpcBenchmark() {
    }

    static RemoteCallable<?> task(String shape) {
        return switch (shape) {
            case "noarg" -> () -> 1;
            case "str100" -> {
                String text = "x".repeat(100);
                yield () -> text.length();
            }
            case "echo1k" -> {
                byte[] bytes = new byte[1024];
                yield () -> bytes;
            }
            default -> throw new IllegalArgumentException(shape);
        };
    }

    public static void main(String[] args) throws Exception {
        List<String> options = Arrays.asList(args);
        boolean quick = options.contains("--quick");
        int at = options.indexOf("--mode");
        String mode = at >= 0 && at + 1 < options.size() ? options.get(at + 1) : "rtt";
        int shapeAt = options.indexOf("--shape");
        List<String> shapes = shapeAt >= 0 && shapeAt + 1 < options.size() ? List.of(options.get(shapeAt + 1))
                : SHAPES;
        int callersAt = options.indexOf("--callers");
        int[] callerCounts = callersAt >= 0 && callersAt + 1 < options.size()
                ? Arrays.stream(options.get(callersAt + 1).split(",")).mapToInt(Integer::parseInt).toArray()
                : CALLERS;
        boolean withErlang = !options.contains("--no-erlang");
        if (!mode.equals("rtt") && !mode.equals("tput")) {
            throw new IllegalArgumentException("--mode must be rtt or tput, not " + mode);
        }
        int warmup = quick ? 2_000 : 30_000;
        int samples = quick ? 2_000 : 50_000;
        Duration phase = Duration.ofMillis(quick ? 300 : 3_000);
        int transportsAt = options.indexOf("--transports");
        List<String> transports = transportsAt >= 0 && transportsAt + 1 < options.size()
                ? List.of(options.get(transportsAt + 1).split(",")) : List.of("tcp");

        Map<String, Map<String, Double>> byTransport = new LinkedHashMap<>();
        for (String transport : transports) {
            List<String> settings = switch (transport) {
                case "tcp" -> List.of();
                case "tls" -> BenchPki.tlsSettings();
                default -> throw new IllegalArgumentException("--transports takes tcp and tls, not " + transport);
            };
            byTransport.put(transport, measure(transport, settings, mode, shapes, callerCounts, warmup, samples,
                    phase));
        }
        Map<String, Double> kindling = byTransport.getOrDefault("tcp", Map.of());
        Map<String, Double> tls = byTransport.get("tls");
        if (tls != null && !kindling.isEmpty()) {
            for (Map.Entry<String, Double> figure : tls.entrySet()) {
                Double plain = kindling.get(figure.getKey());
                if (plain != null) {
                    print("vs     %s %-9s tls=%.1f tcp=%.1f tls/tcp=%s", mode.equals("rtt") ? "rtt " : "tput",
                            figure.getKey(), figure.getValue(), plain, format(figure.getValue() / plain));
                }
            }
        }
        if (!withErlang || kindling.isEmpty()) {
            return;
        }
        Map<String, Double> erlang = ErlangRpc.run(mode, quick ? 2_000 : samples, phase);
        for (Map.Entry<String, Double> figure : kindling.entrySet()) {
            Double theirs = erlang.get(figure.getKey());
            if (mode.equals("rtt")) {
                print("vs     rtt  %-9s kindling_p50_us=%.1f erlang_p50_us=%s ratio=%s", figure.getKey(),
                        figure.getValue(), theirs == null ? "-" : format(theirs),
                        theirs == null ? "-" : format(figure.getValue() / theirs));
            } else {
                print("vs     tput %-9s kindling_per_s=%.0f erlang_per_s=%s ratio=%s", figure.getKey(),
                        figure.getValue(), theirs == null ? "-" : String.format(Locale.ROOT, "%.0f", theirs),
                        theirs == null ? "-" : format(figure.getValue() / theirs));
            }
        }
    }

    /** Measures one transport against a fresh {@link BenchServer}; returns the figures by shape (and callers). */
    private static Map<String, Double> measure(String transport, List<String> settings, String mode,
            List<String> shapes, int[] callerCounts, int warmup, int samples, Duration phase) throws Exception {
        String label = transport.equals("tcp") ? "kindling" : "kindling-" + transport;
        Map<String, Double> figures = new LinkedHashMap<>();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--module-path", System.getProperty("jdk.module.path"),
                "-Djava.util.logging.config.file=/dev/null", "-m", "io.kindling.benchmarks/"
                        + BenchServer.class.getName()));
        command.addAll(settings);
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        KindlingNode.Builder builder = KindlingNode.builder().name("bench-client@127.0.0.1").cookie(BenchServer.COOKIE);
        BenchServer.apply(builder, settings);
        try (KindlingNode node = builder.start()) {
            BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = serverOut.readLine()) != null && !line.startsWith("READY ")) {
                // JVM options such as -XX:StartFlightRecording may print first
            }
            if (line == null) {
                throw new IllegalStateException("the benchmark server exited before it was ready");
            }
            String[] ready = line.split(" ");
            int rawPort = Integer.parseInt(ready[1]);
            NodeName peer = node.connect(NodeAddress.of(NodeName.parse(BenchServer.NAME), Integer.parseInt(ready[2])));
            if (mode.equals("rtt")) {
                if (transport.equals("tcp")) {
                    double[] floor = floor(rawPort, warmup, samples);
                    print("floor  raw socket ping-pong (16 B)  p50_us=%.1f p99_us=%.1f", floor[0], floor[1]);
                }
                for (String shape : shapes) {
                    double[] rtt = roundTrip(node, peer, task(shape), warmup, samples);
                    print("rtt    %s %-6s 1 caller   p50_us=%.1f p99_us=%.1f", label, shape, rtt[0], rtt[1]);
                    figures.put(shape, rtt[0]);
                }
            } else {
                for (String shape : shapes) {
                    for (int callers : callerCounts) {
                        throughput(node, peer, task(shape), callers, phase); // warm this level
                        double rate = throughput(node, peer, task(shape), callers, phase);
                        print("tput   %s %-6s %2d callers calls_per_s=%.0f", label, shape, callers, rate);
                        figures.put(shape + " " + callers, rate);
                    }
                }
            }
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        return figures;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static double[] roundTrip(KindlingNode node, NodeName peer, RemoteCallable<?> task, int warmup,
            int samples) {
        for (int i = 0; i < warmup; i++) {
            node.call(peer, task, Duration.ofSeconds(5));
        }
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t = System.nanoTime();
            node.call(peer, task, Duration.ofSeconds(5));
            nanos[i] = System.nanoTime() - t;
        }
        return percentiles(nanos);
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

    private static double throughput(KindlingNode node, NodeName peer, RemoteCallable<?> task, int callers,
            Duration phase) throws InterruptedException {
        LongAdder calls = new LongAdder();
        long end = System.nanoTime() + phase.toNanos();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    node.call(peer, task, Duration.ofSeconds(5));
                    calls.increment();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return calls.sum() / ((System.nanoTime() - started) / 1e9);
    }

    static double[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3};
    }

    static void print(String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, format, values));
        System.out.flush();
    }
}
