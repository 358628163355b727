package io.kindling.cli;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The {@code kindling} command. Exit codes: 0 success, 1 the operation failed, 2 bad usage. */
@Command(name = "kindling", mixinStandardHelpOptions = true, version = "kindling 0.1.0",
        description = "Start and query Kindling nodes.",
        subcommands = {KindlingCli.NodeCommand.class, KindlingCli.PingCommand.class, KindlingCli.NodesCommand.class,
                CommandLine.HelpCommand.class})
public final class KindlingCli {

    private KindlingCli() {
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new KindlingCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandName() + " failed: " + message(e));
            return 1;
        });
        return commandLine.execute(args);
    }

    private static String message(Throwable e) {
        return e instanceof KindlingException || e instanceof IllegalArgumentException
                ? e.getMessage() : e.toString();
    }

    /** Options every command that starts a node shares. */
    static final class NodeOptions {
        @Option(names = "--cookie", description = "The cluster cookie. Default: KINDLING_COOKIE, else the cookie "
                + "file.")
        String cookie;

        @Option(names = "--cookie-file", paramLabel = "FILE", description = "Read the cookie from FILE (owner-only "
                + "permissions) instead of ~/.kindling/cookie.")
        String cookieFile;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. "
                + "--set kindling.heartbeat.timeout=10s. Repeatable.")
        Map<String, String> settings = new LinkedHashMap<>();

        KindlingNode.Builder builder() {
            KindlingNode.Builder builder = KindlingNode.builder();
            settings.forEach(builder::set);
            if (cookie != null) {
                builder.cookie(cookie);
            }
            if (cookieFile != null) {
                builder.set("kindling.cookie.file", cookieFile);
            }
            return builder;
        }
    }

    /** Options of the commands that start a short-lived client node and query one node. */
    static final class ClientOptions {
        @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "5s",
                description = "How long to wait for each answer. Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        @Mixin
        NodeOptions node = new NodeOptions();

        /** Starts the client node, named after this process, on loopback. */
        KindlingNode start() {
            return node.builder().name("kindling-cli-" + ProcessHandle.current().pid() + "@127.0.0.1").start();
        }
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code PT5S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.kindling.api.Config.of(Map.of("timeout", value)).getDuration("timeout", null);
        }
    }

    /** Parses {@code name@host:port}. */
    static final class AddressConverter implements ITypeConverter<NodeAddress> {
        @Override
        public NodeAddress convert(String value) {
            return NodeAddress.parse(value);
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Start a node and keep it running; prints its address when ready, then one line per "
                    + "node event. Stop it with Ctrl-C.")
    static final class NodeCommand implements Callable<Integer> {
        @Option(names = "--name", required = true, paramLabel = "NAME@HOST", description = "The node's name.")
        String name;

        @Option(names = "--host", description = "The address to listen on. Default: the host part of the name.")
        String host;

        @Option(names = "--port", description = "The port to listen on. Default: 0, any free port.")
        Integer port;

        @Option(names = "--connect", paramLabel = "NAME@HOST:PORT", converter = AddressConverter.class,
                description = "Connect to this node once started. Repeatable.")
        java.util.List<NodeAddress> connect = new java.util.ArrayList<>();

        @Option(names = "--strategy", paramLabel = "NAME", description = "Form a cluster with this discovery "
                + "strategy (static, epmd, local-epmd, dns, jgroups, or a plugin's), configured with --set "
                + "kindling.strategy.NAME.KEY=VALUE and kindling.cluster.*. Prints the cluster's events; a refresh "
                + "is printed when its outcome differs from the previous one.")
        String strategy;

        @Mixin
        NodeOptions options = new NodeOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            KindlingNode.Builder builder = options.builder().name(name);
            if (host != null) {
                builder.host(host);
            }
            if (port != null) {
                builder.port(port);
            }
            KindlingNode node = builder.start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                node.close();
                stopped.countDown();
            }));
            var out = spec.commandLine().getOut();
            out.println("node " + node.address() + " ready");
            out.flush();
            if (strategy != null) {
                ClusterPrinter printer = new ClusterPrinter(out);
                Cluster.builder(node).strategy(strategy).listener(printer::print).start();
            } else {
                node.monitor(event -> {
                    switch (event) {
                        case NodeEvent.NodeUp up -> out.println(nodeUp(up.node(), up.attributes()));
                        case NodeEvent.NodeDown down -> out.println(nodeDown(down.node(), down.reason()));
                    }
                    out.flush();
                });
            }
            for (NodeAddress address : connect) {
                node.connect(address);
            }
            stopped.await();
            return 0;
        }
    }

    static String nodeUp(NodeName node, NodeAttributes attributes) {
        return "node up: " + node + " " + attributes.values();
    }

    static String nodeDown(NodeName node, String reason) {
        return "node down: " + node + " (" + reason + ")";
    }

    /** Prints cluster events one line each; repeated identical refresh outcomes once. */
    static final class ClusterPrinter {
        private final java.io.PrintWriter out;
        private String lastRefresh;

        ClusterPrinter(java.io.PrintWriter out) {
            this.out = out;
        }

        void print(ClusterEvent event) {
            String line = switch (event) {
                case ClusterEvent.Refreshed refreshed -> {
                    String outcome = RefreshResult.describe(refreshed.result());
                    if (outcome.equals(lastRefresh)) {
                        yield null;
                    }
                    lastRefresh = outcome;
                    yield "cluster " + event.cluster() + " refreshed: " + outcome;
                }
                case ClusterEvent.Paused paused -> "cluster " + event.cluster() + " paused";
                case ClusterEvent.Resumed resumed -> "cluster " + event.cluster() + " resumed";
                case ClusterEvent.ShutDown down -> "cluster " + event.cluster() + " shut down";
                case ClusterEvent.NodeUp up -> nodeUp(up.node(), up.attributes());
                case ClusterEvent.NodeDown down -> nodeDown(down.node(), down.reason());
            };
            if (line != null) {
                out.println(line);
                out.flush();
            }
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = "Connect to a node, authenticate, and print the round trip. Exits 1 with the reason when "
                    + "that fails.")
    static final class PingCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME@HOST:PORT", converter = AddressConverter.class, description = "The node.")
        NodeAddress target;

        @Option(names = "--count", defaultValue = "1", description = "How many pings. Default: ${DEFAULT-VALUE}.")
        int count;

        @Mixin
        ClientOptions client = new ClientOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (KindlingNode node = client.start()) {
                long started = System.nanoTime();
                NodeName peer = node.connect(target);
                double connectMs = (System.nanoTime() - started) / 1e6;
                var out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "connected to %s in %.1f ms (TCP + authentication)%n", peer, connectMs);
                for (int i = 0; i < Math.max(1, count); i++) {
                    Duration rtt = node.ping(peer, client.timeout);
                    out.printf(Locale.ROOT, "pong from %s: round trip %.3f ms%n", peer, rtt.toNanos() / 1e6);
                }
                return 0;
            }
        }
    }

    @Command(name = "nodes", mixinStandardHelpOptions = true,
            description = "Print the nodes that a node is connected to, one per line, each with its application"
                    + " version (kindling.app.version; - when it announces none).")
    static final class NodesCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME@HOST:PORT", converter = AddressConverter.class, description = "The node.")
        NodeAddress target;

        @Mixin
        ClientOptions client = new ClientOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (KindlingNode node = client.start()) {
                NodeName peer = node.connect(target);
                Map<NodeName, NodeAttributes> connected = node.call(peer, SystemTasks.connectedNodeAttributes(),
                        client.timeout);
                var out = spec.commandLine().getOut();
                connected.forEach((name, attributes) -> {
                    if (!name.equals(node.name())) {
                        out.println(name + " " + attributes.get("kindling.app.version").orElse("-"));
                    }
                });
                return 0;
            }
        }
    }
}
