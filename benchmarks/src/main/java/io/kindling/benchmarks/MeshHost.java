package io.kindling.benchmarks;

import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One JVM of {@link MeshBenchmark}: many nodes as objects, {@code m<i>@127.0.0.1} on port {@code base + i}. Arguments:
 * first index, count, total nodes of the mesh, base port, poll interval (ms), heartbeat interval and timeout (ms),
 * cookie. Prints {@code STARTED} once its nodes listen, then answers on standard input: {@code mesh} (starts each
 * node's cluster over the {@code static} strategy naming every node of the mesh: {@code CLUSTERS}),
 * {@code status} ({@code STATUS <fewest connections of one node> <connections in all>}) and {@code stats}
 * ({@code STATS bytes_out=… heap_bytes=… rss_kb=… threads=…}, heap after a collection). Exits when its standard input
 * ends.
 */
public final class MeshHost {

    private MeshHost() {
    }

    public static void main(String[] args) throws Exception {
        int first = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int total = Integer.parseInt(args[2]);
        int basePort = Integer.parseInt(args[3]);
        long pollMillis = Long.parseLong(args[4]);
        long heartbeatMillis = Long.parseLong(args[5]);
        long timeoutMillis = Long.parseLong(args[6]);
        String cookie = args[7];
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < total; i++) {
            all.append(i == 0 ? "" : ",").append("m").append(i).append("@127.0.0.1:").append(basePort + i);
        }
        List<KindlingNode> nodes = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            nodes.add(KindlingNode.builder().name("m" + i + "@127.0.0.1").port(basePort + i).cookie(cookie)
                    .set("kindling.heartbeat.interval", heartbeatMillis + "ms")
                    .set("kindling.heartbeat.timeout", timeoutMillis + "ms")
                    .set("kindling.strategy.static.nodes", all.toString())
                    // every node of this benchmark is on 127.0.0.1: the per-source bound on handshakes in progress
                    // (8, against one address's guessing) would refuse most of a mesh's dials, which on real hosts
                    // come from as many addresses
                    .set("kindling.handshake.max-per-source", "1024").start());
        }
        reply("STARTED");
        List<Cluster> clusters = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.strip()) {
                case "mesh" -> {
                    for (KindlingNode node : nodes) {
                        clusters.add(Cluster.builder(node).strategy("static")
                                .pollInterval(java.time.Duration.ofMillis(pollMillis)).start());
                    }
                    reply("CLUSTERS");
                }
                case "status" -> reply("STATUS " + nodes.stream().mapToInt(n -> n.connectedNodes().size()).min()
                        .orElse(0) + " " + nodes.stream().mapToInt(n -> n.connectedNodes().size()).sum());
                case "stats" -> {
                    long bytesOut = nodes.stream().mapToLong(n -> n.metrics().bytesOut()).sum();
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    reply(String.format(Locale.ROOT, "STATS bytes_out=%d heap_bytes=%d rss_kb=%d threads=%d",
                            bytesOut, heap, rssKb(), ManagementFactory.getThreadMXBean().getThreadCount()));
                }
                default -> reply("ERROR unknown command " + line);
            }
        }
        clusters.forEach(Cluster::close);
        nodes.forEach(KindlingNode::close);
        System.exit(0);
    }

    private static long rssKb() throws IOException {
        for (String status : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (status.startsWith("VmRSS:")) {
                return Long.parseLong(status.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
