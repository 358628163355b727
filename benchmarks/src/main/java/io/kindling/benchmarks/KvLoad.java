package io.kindling.benchmarks;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Load on the key-value example ({@code examples/kv}): its two nodes foo and bar as child JVMs with the guide's
 * routing table, and 64 concurrent clients of the text protocol on foo, half of them on buckets that live on bar
 * (routed with {@code Node.call}). Prints requests per second and p50/p99 latency of local and routed requests, and
 * a plain {@code Node.call} round trip to foo from this JVM, measured in the same run. Argument: the example's
 * module path ({@code examples/kv/target/lib}); {@code --quick} for short phases.
 */
public final class KvLoad {

    private static final String COOKIE = "kv-load-cookie-T4nW8qZ1xL6cV3bR";
    private static final int CLIENTS = 64;

    private KvLoad() {
    }

    /**
     * Runs the load.
     *
     * @param args the example's module path, then {@code --quick} optionally
     * @throws Exception if a node does not start
     */
    public static void main(String[] args) throws Exception {
        Path lib = Path.of(args[0]);
        boolean quick = Arrays.asList(args).contains("--quick");
        Duration warm = Duration.ofSeconds(quick ? 1 : 5);
        Duration measure = Duration.ofSeconds(quick ? 2 : 10);
        int epmd;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            epmd = probe.getLocalPort();
        }
        List<Process> nodes = new ArrayList<>();
        try {
            int[] foo = start(nodes, lib, "foo", epmd);
            int[] bar = start(nodes, lib, "bar", epmd);
            awaitRouting(foo[0]);
            run(foo[0], warm);
            double[][] figures = run(foo[0], measure);
            print("kv     local  requests_per_s=%.0f p50_us=%.1f p99_us=%.1f", figures[0][0], figures[0][1],
                    figures[0][2]);
            print("kv     routed requests_per_s=%.0f p50_us=%.1f p99_us=%.1f", figures[1][0], figures[1][1],
                    figures[1][2]);
            print("kv     all    requests_per_s=%.0f (%d clients on foo, half the buckets on bar)",
                    figures[0][0] + figures[1][0], CLIENTS);
            try (KindlingNode probe = KindlingNode.builder().name("kv-load@127.0.0.1").cookie(COOKIE).start()) {
                NodeName peer = probe.connect(NodeAddress.of(NodeName.parse("foo@127.0.0.1"), foo[1]));
                int samples = quick ? 2_000 : 20_000;
                for (int i = 0; i < samples; i++) {
                    probe.call(peer, SystemTasks.connectedNodes(), Duration.ofSeconds(5));
                }
                long[] nanos = new long[samples];
                for (int i = 0; i < samples; i++) {
                    long t = System.nanoTime();
                    probe.call(peer, SystemTasks.connectedNodes(), Duration.ofSeconds(5));
                    nanos[i] = System.nanoTime() - t;
                }
                double[] rtt = RpcBenchmark.percentiles(nanos);
                print("rtt    Node.call to foo (SystemTasks.connectedNodes), 1 caller, no load  p50_us=%.1f "
                        + "p99_us=%.1f", rtt[0], rtt[1]);
            }
        } finally {
            for (Process node : nodes) {
                node.getOutputStream().close();
                if (!node.waitFor(10, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
        }
    }

    /** Starts a node; returns its text port and its Kindling port. */
    private static int[] start(List<Process> nodes, Path lib, String name, int epmd) throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.util.logging.config.file=/dev/null", "--module-path", lib.toString(),
                "-m", "io.kindling.examples.kv/io.kindling.examples.kv.KvMain", name, "kv.port=0",
                "kindling.cookie=" + COOKIE, "kv.routing-table=a-m:foo@127.0.0.1,n-z:bar@127.0.0.1",
                "kindling.cluster.strategy=local-epmd", "kindling.cluster.poll-interval=200ms",
                "kindling.strategy.epmd.port=" + epmd, "kindling.strategy.epmd.server-address=127.0.0.1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        nodes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            // start-up lines
        }
        if (line == null) {
            throw new IllegalStateException("kv node " + name + " exited before it was ready");
        }
        String[] parts = line.split(" ");
        Thread.ofVirtual().start(() -> out.lines().forEach(ignored -> { })); // keep its pipe drained
        return new int[] {Integer.parseInt(parts[1].substring(3)), Integer.parseInt(parts[2].substring(5))};
    }

    /** Waits until foo reaches bar: a bucket of bar's can be created through foo. */
    private static void awaitRouting(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Client client = new Client(port)) {
            while (!client.request("CREATE zz").equals("OK")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("foo did not reach bar within 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** One phase: {@value #CLIENTS} clients, even ones on foo's buckets, odd ones on bar's. */
    private static double[][] run(int port, Duration phase) throws Exception {
        List<ConcurrentLinkedQueue<long[]>> latencies = List.of(new ConcurrentLinkedQueue<>(),
                new ConcurrentLinkedQueue<>());
        long end = System.nanoTime() + phase.toNanos();
        long started = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            boolean routed = c % 2 == 1;
            String bucket = (routed ? "n" : "a") + c; // n…: bar's; a…: foo's
            clients.add(Thread.ofVirtual().start(() -> {
                long[] mine = new long[16_384];
                int count = 0;
                try (Client client = new Client(port)) {
                    client.request("CREATE " + bucket);
                    for (int i = 0; System.nanoTime() < end; i++) {
                        if (count == mine.length) {
                            mine = Arrays.copyOf(mine, 2 * count);
                        }
                        long t = System.nanoTime();
                        client.request(i % 2 == 0 ? "PUT " + bucket + " k" + (i & 63) + " v" + i
                                : "GET " + bucket + " k" + (i & 63));
                        mine[count++] = System.nanoTime() - t;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    latencies.get(routed ? 1 : 0).add(Arrays.copyOf(mine, count));
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double[][] figures = new double[2][];
        for (int kind = 0; kind < 2; kind++) {
            long[] all = latencies.get(kind).stream().flatMapToLong(Arrays::stream).toArray();
            double[] p = RpcBenchmark.percentiles(all);
            figures[kind] = new double[] {all.length / seconds, p[0], p[1]};
        }
        return figures;
    }

    private static void print(String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, format, values));
        System.out.flush();
    }

    /** A text-protocol client. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String request(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String first = in.readLine();
            if (first == null) {
                throw new IOException("the server closed the connection");
            }
            return first.startsWith("v") || first.isEmpty() ? first + in.readLine() : first;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
