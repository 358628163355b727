package io.kindling.cli;

import io.kindling.api.KindlingException;
import io.kindling.management.internal.Json;
import io.kindling.strategy.epmd.EpmdClient;
import io.kindling.strategy.epmd.EpmdEntry;
import io.kindling.strategy.epmd.EpmdException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kindling names [HOST]}: the Kindling nodes on a host's port mapper (as {@code epmd -names}). */
@Command(name = "names", mixinStandardHelpOptions = true,
        description = "Print the Kindling nodes registered with HOST's port mapper (EPMD), one per line: full name "
                + "and port. Erlang nodes registered there are left out. Needs no cookie.")
final class NamesCommand extends ClientCommand {

    @Parameters(paramLabel = "HOST", defaultValue = "127.0.0.1", arity = "0..1",
            description = "The host whose port mapper to ask. Default: ${DEFAULT-VALUE}.")
    String host;

    @Override
    Integer run() {
        int port = epmdPort();
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            EpmdClient epmd = new EpmdClient(host, port, remaining());
            for (String name : epmd.names().keySet()) {
                Optional<EpmdEntry> entry = new EpmdClient(host, port, remaining()).lookup(name);
                Optional<String[]> kindling = entry.flatMap(EpmdEntry::kindlingInfo);
                if (kindling.isPresent()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("node", kindling.get()[0]);
                    row.put("port", entry.get().port());
                    rows.add(row);
                }
            }
        } catch (EpmdException e) {
            throw new KindlingException("Cannot ask the port mapper at " + host + ":" + port + ": " + e.getMessage(),
                    e);
        }
        if (format == Format.json) {
            out().println(Json.write(rows));
        } else {
            rows.forEach(row -> out().println(row.get("node") + " " + row.get("port")));
        }
        return 0;
    }
}
