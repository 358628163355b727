package io.kindling.cli;

import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import io.kindling.management.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kindling nodes NODE}: the nodes a node is connected to (as {@code rpc:call(N, erlang, nodes, [])}). */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Print the nodes that a node is connected to, one per line, each with its application"
                + " version (kindling.app.version; - when it announces none). Prints nothing when it has none.")
final class NodesCommand extends ClientCommand {

    @Parameters(paramLabel = "NODE", description = "name@host:port or name@host.")
    String target;

    @Override
    Integer run() {
        try (KindlingNode client = startClient()) {
            NodeName peer = connect(client, target);
            Map<NodeName, NodeAttributes> connected = client.call(peer, SystemTasks.connectedNodeAttributes(),
                    remaining());
            List<Map<String, Object>> rows = new ArrayList<>();
            connected.forEach((name, attributes) -> {
                if (!name.equals(client.name())) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("node", name);
                    row.put("app_version", attributes.get("kindling.app.version").orElse(null));
                    rows.add(row);
                }
            });
            if (format == Format.json) {
                out().println(Json.write(rows));
            } else {
                rows.forEach(row -> out().println(row.get("node") + " "
                        + (row.get("app_version") != null ? row.get("app_version") : "-")));
            }
            return 0;
        }
    }
}
