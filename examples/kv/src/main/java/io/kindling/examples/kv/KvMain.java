package io.kindling.examples.kv;

import io.kindling.api.Config;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.KeyRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One node of the key-value store: a Kindling node, its buckets, the router and the text server. Arguments: the
 * node's name ({@code foo} means {@code foo@127.0.0.1}), then {@code key=value} settings. Settings, lowest layer
 * first: Kindling's (defaults, {@code kindling.properties}, {@code KINDLING_CONFIG}, {@code KINDLING_*}), then
 * {@code KV_*} environment variables ({@code KV_ROUTING_TABLE} is {@code kv.routing-table}), then the arguments.
 * <ul>
 *   <li>{@code kv.server}: whether the text server runs (default {@code true}; the guide's bar has none);</li>
 *   <li>{@code kv.port}: the text server's port, default 4040;</li>
 *   <li>{@code kv.router}: {@code table} (default) or {@code hash};</li>
 *   <li>{@code kv.routing-table}: for {@code table}, e.g. {@code a-m:foo@127.0.0.1,n-z:bar@127.0.0.1}; unset, every
 *       bucket lives on this node (development, most tests);</li>
 *   <li>{@code kv.timeout}: the bound on one routed operation, default 5 s;</li>
 *   <li>{@code kv.stop-at-end-of-input}: stop when standard input ends (default {@code true}, for a terminal and
 *       for tests); a release sets {@code false} and stops on SIGTERM.</li>
 * </ul>
 * With {@code kindling.cluster.strategy} set (the run script uses {@code local-epmd}) the node joins the others by
 * name, as Erlang nodes do through epmd. Prints {@code READY kv=<port> node=<port>}, then {@code UP <node>} and
 * {@code DOWN <node> <reason>} as peers come and go. SIGTERM closes it gracefully.
 */
public final class KvMain {

    private KvMain() {
    }

    /**
     * Starts a node of the store.
     *
     * @param args the name, then {@code key=value} settings
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        boolean named = args.length > 0 && !args[0].contains("=");
        String name = named ? args[0] : null;
        String[] settings = java.util.Arrays.copyOfRange(args, named ? 1 : 0, args.length);
        Kv kv = start(name, System.getenv(), settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kv.close(); // SIGTERM (a release's stop): close the cluster and the server, drain, leave
            } catch (IOException | RuntimeException e) {
                System.err.println("Closing on shutdown failed: " + e);
            }
        }));
        kv.node().monitor(event -> {
            switch (event) {
                case NodeEvent.NodeUp up -> System.out.println("UP " + up.node());
                case NodeEvent.NodeDown down -> System.out.println("DOWN " + down.node() + " " + down.reason());
                default -> { }
            }
            System.out.flush();
        });
        System.out.println("READY kv=" + (kv.server() == null ? "none" : kv.server().port()) + " node="
                + kv.node().address().port());
        System.out.flush();
        if (kv.node().config().getBoolean("kv.stop-at-end-of-input", true)) {
            while (System.in.read() >= 0) {
                // runs until standard input ends
            }
            System.exit(0); // the shutdown hook closes the node
        }
        Thread.currentThread().join(); // a release: runs until a signal stops the JVM
    }

    /**
     * A running node of the store.
     *
     * @param node the Kindling node
     * @param store the store
     * @param server the text server, or {@code null} when {@code kv.server=false} (the guide's bar: a store only)
     * @param cluster the cluster, or {@code null} without a strategy
     */
    public record Kv(KindlingNode node, KvStore store, KvServer server, Cluster cluster) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (server != null) {
                server.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            Buckets.drop(node.name());
            node.close();
        }
    }

    /**
     * Starts a node of the store.
     *
     * @param name the node's name, or only its name part ({@code @127.0.0.1} is added); {@code null} to take
     *     {@code kindling.node.name} from the configuration (a release's {@code KINDLING_NODE_NAME})
     * @param environment where {@code KV_*} variables are read
     * @param settings {@code key=value} settings, the highest layer
     * @return the running node
     * @throws IOException if the server cannot listen
     */
    public static Kv start(String name, Map<String, String> environment, String... settings) throws IOException {
        KindlingNode.Builder builder = KindlingNode.builder().attribute("kv", "true");
        if (name != null) {
            builder.name(name.contains("@") ? name : name + "@127.0.0.1");
        }
        environment.forEach((variable, value) -> {
            if (variable.startsWith("KV_")) {
                builder.set(variable.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("Setting '" + setting + "' is not key=value");
            }
            builder.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        try {
            Config config = node.config();
            Router router = router(node, config);
            Duration timeout = config.getDuration("kv.timeout", Duration.ofSeconds(5));
            KvStore store = new KvStore(node, router, timeout);
            Cluster cluster = config.get("kindling.cluster.strategy").filter(s -> !s.isBlank()).isPresent()
                    ? Cluster.builder(node).start() : null;
            KvServer server = config.getBoolean("kv.server", true) ? KvServer.start(store, new InetSocketAddress(
                    "127.0.0.1", config.getInt("kv.port", 4040)), Duration.ofMinutes(10)) : null;
            return new Kv(node, store, server, cluster);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static Router router(KindlingNode node, Config config) {
        String kind = config.getString("kv.router", "table");
        return switch (kind) {
            case "hash" -> Router.hashed(KeyRouter.withAttribute(node, "kv", "true"));
            case "table" -> {
                String table = config.getString("kv.routing-table", "");
                if (table.isBlank()) {
                    NodeName self = node.name();
                    yield bucket -> self; // the shipped default: every bucket lives here
                }
                try {
                    yield Router.table(RoutingTable.parse(table));
                } catch (IllegalArgumentException e) {
                    throw new io.kindling.api.ConfigException("kv.routing-table", "Setting kv.routing-table: "
                            + e.getMessage());
                }
            }
            default -> throw new io.kindling.api.ConfigException("kv.router", "Setting kv.router = '" + kind
                    + "' is not table or hash");
        };
    }
}
