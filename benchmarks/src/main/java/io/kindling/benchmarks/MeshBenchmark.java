package io.kindling.benchmarks;

import io.kindling.testsupport.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The full mesh at scale: N nodes as objects in a few JVMs ({@link MeshHost}) on loopback, each node in a cluster over
 * the {@code static} strategy naming all N. Per N: the time from the clusters' start to every node connected to
 * every other; the idle CPU of all the JVMs and the bytes they send (heartbeats) over a window once meshed; the
 * memory per connection (heap after a collection and resident set, against the same JVMs before meshing); and, at
 * the largest N, the cost of one more node joining. Arguments: the node counts (default {@code 50 100 200}),
 * {@code --jvms J} (4), {@code --poll MS} (5000), {@code --heartbeat MS} (1000), {@code --timeout MS} (5000),
 * {@code --idle-seconds S} (10), {@code --settle-seconds S} (20, between meshed and the idle window: the JIT
 * compilers' work and the closing of duplicate connections stay out of it), {@code --base-port P} (10000: below
 * the ephemeral ports). Set {@code MESH_LOG=<dir>} to keep each JVM's warnings. One line per figure.
 */
public final class MeshBenchmark {

    private static final Duration REPLY = Duration.ofSeconds(300);

    private MeshBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        int jvms = 4;
        long poll = 5000;
        long heartbeat = 1000;
        long timeout = 5000;
        int idleSeconds = 10;
        int basePort = 10000;
        int settleSeconds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jvms" -> jvms = Integer.parseInt(args[++i]);
                case "--poll" -> poll = Long.parseLong(args[++i]);
                case "--heartbeat" -> heartbeat = Long.parseLong(args[++i]);
                case "--timeout" -> timeout = Long.parseLong(args[++i]);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--base-port" -> basePort = Integer.parseInt(args[++i]);
                case "--settle-seconds" -> settleSeconds = Integer.parseInt(args[++i]);
                default -> sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(50, 100, 200);
        }
        System.out.printf(Locale.ROOT, "mesh: %d JVMs, static strategy, poll %d ms, heartbeat %d ms (timeout %d ms), "
                + "%d cores%n", jvms, poll, heartbeat, timeout, Runtime.getRuntime().availableProcessors());
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int n : sizes) {
            run(n, jvms, poll, heartbeat, timeout, idleSeconds, settleSeconds, basePort, n == largest);
        }
    }

    private static void run(int n, int jvms, long poll, long heartbeat, long timeout, int idleSeconds,
            int settleSeconds, int basePort, boolean join) throws Exception {
        for (int i = 0; i <= n; i++) {
            requireFree(basePort + i);
        }
        String cookie = UUID.randomUUID().toString();
        List<Worker> workers = new ArrayList<>();
        Thread cleanup = new Thread(() -> workers.forEach(Worker::kill));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            int first = 0;
            for (int j = 0; j < jvms; j++) {
                int count = n / jvms + (j < n % jvms ? 1 : 0);
                workers.add(Worker.start(first, count, n, basePort, poll, heartbeat, timeout, cookie));
                first += count;
            }
            for (Worker worker : workers) {
                worker.await("STARTED"::equals);
            }
            List<Stats> before = new ArrayList<>();
            for (Worker worker : workers) {
                before.add(worker.stats());
            }
            for (Worker worker : workers) {
                worker.send("mesh");
            }
            for (Worker worker : workers) {
                worker.await("CLUSTERS"::equals);
            }
            long started = System.nanoTime();
            awaitMesh(workers, n - 1);
            long formation = (System.nanoTime() - started) / 1_000_000;
            System.out.printf(Locale.ROOT, "mesh n=%d formation_ms=%d target_ms=%d connections=%d%n", n, formation,
                    poll + 5000, n * (n - 1) / 2);

            // before the idle window: the dials' retired duplicates close, and the JIT compilers finish their work
            Thread.sleep(settleSeconds * 1000L);
            long bytes0 = bytesOut(workers); // asking collects garbage: not inside the window
            long cpu0 = cpuNanos(workers);
            long wall0 = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L);
            long cpu1 = cpuNanos(workers);
            double seconds = (System.nanoTime() - wall0) / 1e9;
            long bytes1 = bytesOut(workers);
            double cpuPercent = 100.0 * (cpu1 - cpu0) / 1e9 / seconds;
            double bytesPerSecond = (bytes1 - bytes0) / ((System.nanoTime() - wall0) / 1e9);
            System.out.printf(Locale.ROOT, "mesh n=%d idle_cpu_pct_of_one_core=%.1f target_pct=5 "
                    + "bytes_out_per_s=%.0f per_connection_end_bytes_per_s=%.1f%n", n, cpuPercent, bytesPerSecond,
                    bytesPerSecond / ((long) n * (n - 1)));

            List<Stats> after = new ArrayList<>();
            for (Worker worker : workers) {
                after.add(worker.stats());
            }
            long ends = (long) n * (n - 1);
            long heap = 0;
            long rss = 0;
            int threads = 0;
            for (int j = 0; j < workers.size(); j++) {
                heap += after.get(j).heapBytes() - before.get(j).heapBytes();
                rss += after.get(j).rssKb() - before.get(j).rssKb();
                threads += after.get(j).threads();
            }
            System.out.printf(Locale.ROOT, "mesh n=%d memory per_connection_end_heap_bytes=%d "
                    + "per_connection_end_rss_kb=%.1f threads=%d%n", n, heap / ends, (double) rss / ends, threads);

            if (join) {
                long cpuBefore = cpuNanos(workers);
                long launched = System.nanoTime();
                Worker newcomer = Worker.start(n, 1, n + 1, basePort, poll, heartbeat, timeout, cookie);
                workers.add(newcomer);
                newcomer.await("STARTED"::equals);
                long ready = System.nanoTime();
                newcomer.send("mesh");
                newcomer.await("CLUSTERS"::equals);
                awaitMesh(List.of(newcomer), n);
                long joined = System.nanoTime();
                long othersCpu = cpuNanos(workers.subList(0, workers.size() - 1)) - cpuBefore;
                System.out.printf(Locale.ROOT, "join n=%d join_ms=%d jvm_start_ms=%d others_cpu_ms=%d%n", n,
                        (joined - ready) / 1_000_000, (ready - launched) / 1_000_000, othersCpu / 1_000_000);
            }
        } finally {
            workers.forEach(Worker::kill);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on 127.0.0.1 is taken; choose another --base-port", e);
        }
    }

    private static void awaitMesh(List<Worker> workers, int peers) throws Exception {
        long deadline = System.nanoTime() + REPLY.toNanos();
        long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean meshed = true;
            List<String> statuses = new ArrayList<>();
            for (Worker worker : workers) {
                String status = worker.ask("status", line -> line.startsWith("STATUS "));
                statuses.add(status.substring(7));
                meshed &= Integer.parseInt(status.split(" ")[1]) >= peers;
            }
            if (meshed) {
                return;
            }
            if (System.nanoTime() > nextProgress) { // on standard error: the figures stay one line each
                System.err.println("meshing: fewest and all connections per JVM " + statuses + ", want " + peers);
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No full mesh within " + REPLY.toSeconds() + " s: fewest and all "
                        + "connections per JVM " + statuses + ", want " + peers);
            }
            Thread.sleep(20);
        }
    }

    private static long cpuNanos(List<Worker> workers) {
        return workers.stream().mapToLong(Worker::cpuNanos).sum();
    }

    private static long bytesOut(List<Worker> workers) throws Exception {
        long sum = 0;
        for (Worker worker : workers) {
            sum += worker.stats().bytesOut();
        }
        return sum;
    }

    private record Stats(long bytesOut, long heapBytes, long rssKb, int threads) {
    }

    /** A {@link MeshHost} JVM and its reply lines. */
    private record Worker(ChildProcess process) {

        static Worker start(int first, int count, int total, int basePort, long poll, long heartbeat,
                long timeout, String cookie) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            // MESH_LOG=<dir>: each JVM's log goes to <dir>/mesh-<first>.log, at WARNING and above
            String logDir = System.getenv("MESH_LOG");
            String logConfig = "/dev/null";
            if (logDir != null) {
                Path config = Path.of(logDir, "jul-" + first + ".properties");
                Files.writeString(config, "handlers=java.util.logging.FileHandler\n.level=WARNING\n"
                        + "java.util.logging.FileHandler.pattern=" + Path.of(logDir, "mesh-" + first + ".log")
                        + "\njava.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter\n");
                logConfig = config.toString();
            }
            return new Worker(ChildProcess.start("mesh JVM " + first, List.of(java, "-XX:+UseSerialGC", "-Xss256k",
                    "-Djava.util.logging.config.file=" + logConfig, "--module-path",
                    System.getProperty("jdk.module.path"), "-m", "io.kindling.benchmarks/" + MeshHost.class.getName(),
                    Integer.toString(first), Integer.toString(count), Integer.toString(total),
                    Integer.toString(basePort), Long.toString(poll), Long.toString(heartbeat),
                    Long.toString(timeout), cookie), Map.of()));
        }

        void send(String command) throws IOException {
            process.write(command);
        }

        /** Waits for a line it printed (each awaited line is printed once); fails at once on an error line. */
        String await(Predicate<String> wanted) throws Exception {
            return checked(process.awaitLine(REPLY, line -> wanted.test(line) || failed(line)));
        }

        String ask(String command, Predicate<String> reply) throws Exception {
            return checked(process.send(command, REPLY, line -> reply.test(line) || failed(line)));
        }

        private static boolean failed(String line) {
            return line.startsWith("ERROR") || line.startsWith("Exception") || line.contains("Error:");
        }

        private static String checked(String line) {
            if (failed(line)) {
                throw new IllegalStateException("A mesh JVM failed: " + line);
            }
            return line;
        }

        Stats stats() throws Exception {
            String line = ask("stats", l -> l.startsWith("STATS "));
            long[] values = new long[4];
            String[] fields = line.substring(6).split(" ");
            for (int i = 0; i < 4; i++) {
                values[i] = Long.parseLong(fields[i].substring(fields[i].indexOf('=') + 1));
            }
            return new Stats(values[0], values[1], values[2], (int) values[3]);
        }

        long cpuNanos() {
            return process.process().toHandle().info().totalCpuDuration().orElseThrow().toNanos();
        }

        void kill() {
            try {
                process.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (AssertionError e) {
                // it would not die: the benchmark ends anyway, and says nothing more about it
            }
        }
    }
}
