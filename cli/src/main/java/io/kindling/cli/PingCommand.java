package io.kindling.cli;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.management.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kindling ping NODE}: connect, authenticate, print the round trips (as {@code net_adm:ping}). */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Connect to a node, authenticate, and print the round trip. NODE is name@host:port, or "
                + "name@host to look the port up on host's port mapper (EPMD). Exits 1 with the reason when that "
                + "fails.")
final class PingCommand extends ClientCommand {

    @Parameters(paramLabel = "NODE", description = "name@host:port or name@host.")
    String target;

    @Option(names = "--count", defaultValue = "1", description = "How many pings. Default: ${DEFAULT-VALUE}.")
    int count;

    @Override
    Integer run() {
        if (count < 1) {
            throw new KindlingCli.UsageException("--count must be at least 1, not " + count);
        }
        try (KindlingNode client = startClient()) {
            long started = System.nanoTime();
            NodeName peer = connect(client, target);
            double connectMs = (System.nanoTime() - started) / 1e6;
            List<Double> roundTrips = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Duration rtt = client.ping(peer, remaining());
                roundTrips.add(rtt.toNanos() / 1e6);
                if (format == Format.text) {
                    if (i == 0) {
                        out().printf(Locale.ROOT, "connected to %s in %.1f ms (TCP + authentication)%n", peer,
                                connectMs);
                    }
                    out().printf(Locale.ROOT, "pong from %s: round trip %.3f ms%n", peer, roundTrips.get(i));
                }
            }
            if (format == Format.json) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("node", peer);
                answer.put("connect_ms", connectMs);
                answer.put("round_trips_ms", roundTrips);
                out().println(Json.write(answer));
            }
            return 0;
        }
    }
}
