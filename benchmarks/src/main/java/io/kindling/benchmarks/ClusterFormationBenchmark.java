package io.kindling.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Cluster formation through {@code local-epmd}: N {@code kindling node} JVMs are launched at once on loopback with a
 * 1 s poll interval; the figure is the time from the last node's "ready" line to the moment every node has reported
 * every other one up. Arguments: the node counts (default {@code 2 8 16}) and {@code --runs R} (default 3).
 * Prints one line per run, then per N: {@code formation n=N median_ms=… max_ms=… target_ms=2000}.
 */
public final class ClusterFormationBenchmark {

    private static final long POLL_MILLIS = 1000;
    private static final long GIVE_UP_MILLIS = 120_000;

    private ClusterFormationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[++i]);
            } else {
                counts.add(Integer.parseInt(args[i]));
            }
        }
        if (counts.isEmpty()) {
            counts = List.of(2, 8, 16);
        }
        System.out.println("cluster formation, local-epmd, poll " + POLL_MILLIS + " ms, "
                + Runtime.getRuntime().availableProcessors() + " cores");
        List<String> summary = new ArrayList<>();
        for (int n : counts) {
            long[] figures = new long[runs];
            for (int run = 0; run < runs; run++) {
                Result result = formOnce(n);
                figures[run] = result.lastReadyToMeshMillis;
                System.out.printf(Locale.ROOT, "n=%d run=%d last_ready_to_mesh_ms=%d launch_to_mesh_ms=%d%n", n,
                        run + 1, result.lastReadyToMeshMillis, result.launchToMeshMillis);
            }
            Arrays.sort(figures);
            summary.add(String.format(Locale.ROOT, "formation n=%d median_ms=%d max_ms=%d target_ms=%d", n,
                    figures[figures.length / 2], figures[figures.length - 1], POLL_MILLIS + 1000));
        }
        summary.forEach(System.out::println);
    }

    private record Result(long lastReadyToMeshMillis, long launchToMeshMillis) {
    }

    private static Result formOnce(int n) throws Exception {
        int epmdPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            epmdPort = probe.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String modulePath = System.getProperty("jdk.module.path");
        List<Process> processes = new ArrayList<>();
        Map<String, Set<String>> up = new ConcurrentHashMap<>();
        long[] lastReady = {0};
        long launched = System.nanoTime();
        Thread cleanup = new Thread(() -> processes.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (int i = 0; i < n; i++) {
                String name = "f" + i;
                up.put(name, ConcurrentHashMap.newKeySet());
                Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        "-Djava.util.logging.config.file=/dev/null", "--module-path", modulePath,
                        "-m", "io.kindling.cli/io.kindling.cli.KindlingCli", "node", "--name", name + "@127.0.0.1",
                        "--cookie", "formation", "--strategy", "local-epmd",
                        "--set", "kindling.strategy.epmd.port=" + epmdPort,
                        "--set", "kindling.strategy.epmd.server-address=127.0.0.1",
                        "--set", "kindling.cluster.poll-interval=" + POLL_MILLIS + "ms")
                        .redirectErrorStream(true).start();
                processes.add(process);
                Thread.ofVirtual().start(() -> read(process, name, up, lastReady));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MILLIS);
            while (!meshed(up, n)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("No full mesh of " + n + " nodes within " + GIVE_UP_MILLIS
                            + " ms: " + up);
                }
                Thread.sleep(1);
            }
            long meshed = System.nanoTime();
            synchronized (lastReady) {
                return new Result((meshed - lastReady[0]) / 1_000_000, (meshed - launched) / 1_000_000);
            }
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
            }
            for (Process process : processes) {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private static boolean meshed(Map<String, Set<String>> up, int n) {
        return up.values().stream().allMatch(peers -> peers.size() >= n - 1);
    }

    private static void read(Process process, String name, Map<String, Set<String>> up, long[] lastReady) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("node ") && line.endsWith(" ready")) {
                    synchronized (lastReady) {
                        lastReady[0] = Math.max(lastReady[0], System.nanoTime());
                    }
                } else if (line.startsWith("node up: ")) {
                    up.get(name).add(line.substring(9).split(" ")[0]);
                } else if (line.startsWith("node down: ")) {
                    up.get(name).remove(line.substring(11).split(" ")[0]);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
