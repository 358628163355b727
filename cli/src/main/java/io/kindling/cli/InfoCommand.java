package io.kindling.cli;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.NodeInfo;
import io.kindling.core.SystemTasks;
import io.kindling.management.internal.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kindling info NODE}: what a node says about itself ({@link SystemTasks#info()}). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a node's Kindling version, application version, uptime, attributes, connections "
                + "and pools.")
final class InfoCommand extends ClientCommand {

    @Parameters(paramLabel = "NODE", description = "name@host:port or name@host.")
    String target;

    @Override
    Integer run() {
        try (KindlingNode client = startClient()) {
            NodeName peer = connect(client, target);
            NodeInfo info = client.call(peer, SystemTasks.info(), remaining());
            Map<NodeName, String> connections = new LinkedHashMap<>(info.connections());
            connections.remove(client.name());
            if (format == Format.json) {
                out().println(Json.write(json(info, connections)));
            } else {
                text(info, connections, out());
            }
            return 0;
        }
    }

    private static Map<String, Object> json(NodeInfo info, Map<NodeName, String> connections) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("node", info.name());
        answer.put("kindling_version", info.kindlingVersion());
        answer.put("app_version", info.appVersion().isEmpty() ? null : info.appVersion());
        answer.put("uptime_ms", info.uptimeMillis());
        answer.put("attributes", info.attributes());
        List<Map<String, Object>> peers = new ArrayList<>();
        connections.forEach((name, version) -> {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("node", name);
            peer.put("app_version", version.isEmpty() ? null : version);
            peers.add(peer);
        });
        answer.put("connections", peers);
        List<Map<String, Object>> pools = new ArrayList<>();
        for (NodeInfo.PoolInfo pool : info.pools()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", pool.name());
            entry.put("runners", pool.runners());
            entry.put("booting", pool.booting());
            entry.put("queued", pool.queued());
            pools.add(entry);
        }
        answer.put("pools", pools);
        return answer;
    }

    private static void text(NodeInfo info, Map<NodeName, String> connections, PrintWriter out) {
        out.println("node         " + info.name());
        out.println("kindling     " + info.kindlingVersion());
        out.println("app version  " + (info.appVersion().isEmpty() ? "-" : info.appVersion()));
        out.println("uptime       " + uptime(Duration.ofMillis(info.uptimeMillis())));
        out.println("attributes   " + info.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        out.println("connections  " + connections.entrySet().stream()
                .map(e -> e.getKey() + " (" + (e.getValue().isEmpty() ? "-" : e.getValue()) + ")")
                .collect(Collectors.joining(", ")));
        for (NodeInfo.PoolInfo pool : info.pools()) {
            out.println("pool " + pool.name() + "  " + pool.runners().size() + " runners " + pool.runners() + ", "
                    + pool.booting() + " booting, " + pool.queued() + " queued");
        }
    }

    private static String uptime(Duration uptime) {
        long seconds = uptime.toSeconds();
        return seconds >= 3600 ? String.format("%dh %02dm %02ds", seconds / 3600, seconds % 3600 / 60, seconds % 60)
                : seconds >= 60 ? String.format("%dm %02ds", seconds / 60, seconds % 60)
                : String.format(java.util.Locale.ROOT, "%.1fs", uptime.toMillis() / 1000.0);
    }
}
