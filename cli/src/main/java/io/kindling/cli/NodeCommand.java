package io.kindling.cli;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kindling node}: starts a node and keeps it running. Prints {@code node ADDRESS ready} once the node, its
 * strategy's first refresh and its {@code --connect} targets are up, then one line per event; if any of them fails,
 * exits 1 without the ready line. SIGTERM or Ctrl-C closes the node and exits 0.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Start a node and keep it running; prints 'node ADDRESS ready' once it, its strategy and its "
                + "--connect targets are up, then one line per node event. SIGTERM or Ctrl-C stops it (exit 0).")
final class NodeCommand implements Callable<Integer> {

    /** Exactly one of {@code --name} and {@code --sname}. */
    static final class Naming {
        @Option(names = "--name", required = true, paramLabel = "NAME[@HOST]", description = "The node's name. "
                + "Without @HOST: NAME@ the --host, else this machine's full name (like erl -name).")
        String name;

        @Option(names = "--sname", required = true, paramLabel = "NAME", description = "The node's name with this "
                + "machine's short name as host (like erl -sname).")
        String sname;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Naming naming;

    @Option(names = "--host", description = "The address to listen on, and the host of a --name without one. "
            + "Default: the host part of the name.")
    String host;

    @Option(names = "--port", description = "The port to listen on. Default: 0, any free port.")
    Integer port;

    @Option(names = "--connect", paramLabel = "NODE", description = "Connect to this node (name@host:port, or "
            + "name@host through host's port mapper) before saying ready. Repeatable.")
    List<String> connect = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "NAME", description = "Form a cluster with this discovery "
            + "strategy (static, epmd, local-epmd, dns, jgroups, or a plugin's), configured with --set "
            + "kindling.strategy.NAME.KEY=VALUE and kindling.cluster.*; its first refresh must succeed before ready. "
            + "Prints the cluster's events; a refresh is printed when its outcome differs from the previous one.")
    String strategy;

    @Mixin
    NodeOptions options = new NodeOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        NodeName name = nodeName();
        KindlingNode.Builder builder = options.builder(spec.commandLine().getErr()).name(name);
        if (host != null) {
            builder.host(host);
        }
        if (port != null) {
            builder.port(port);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        EventPrinter printer = new EventPrinter(out);
        try (KindlingNode node = builder.start()) {
            Cluster cluster = null;
            if (strategy != null) {
                cluster = Cluster.builder(node).strategy(strategy).listener(printer::print).start();
                RefreshResult first = cluster.refresh();
                if (first instanceof RefreshResult.StrategyFailure failure) {
                    throw new KindlingException("the " + strategy + " strategy's first refresh failed: "
                            + RefreshResult.describe(first), failure.error());
                }
            } else {
                node.monitor(printer::print);
            }
            Duration connectTimeout = node.config().getDuration("kindling.connect.timeout", Duration.ofSeconds(5));
            for (String target : connect) {
                NodeAddress address = NodeTarget.resolve(target, NodeTarget.defaultEpmdPort(node.config()),
                        connectTimeout);
                node.connect(address);
            }
            printer.ready("node " + node.address() + " ready");
            stop.await();
            if (cluster != null) {
                cluster.shutdown();
            }
        }
        return 0;
    }

    /** The node's name from {@code --name} or {@code --sname}, as {@code erl} builds it. */
    NodeName nodeName() {
        String given = naming.name != null ? naming.name : naming.sname;
        String option = naming.name != null ? "--name" : "--sname";
        int at = given.indexOf('@');
        if (at >= 0 && NodeTarget.hasPort(given)) {
            throw new KindlingCli.UsageException("node names have no port; use --port (" + option + " " + given
                    + ")");
        }
        try {
            if (at >= 0) {
                NodeName name = NodeName.parse(given);
                if (naming.sname != null && name.host().contains(".")) {
                    throw new KindlingCli.UsageException("--sname " + given + " has a full host name; use --name");
                }
                return name;
            }
            String nameHost = naming.name != null ? (host != null ? host : machineName(true))
                    : machineName(false);
            return NodeName.of(given, nameHost);
        } catch (IllegalArgumentException e) {
            throw new KindlingCli.UsageException(e.getMessage());
        }
    }

    private static String machineName(boolean full) {
        try {
            InetAddress local = InetAddress.getLocalHost();
            String name = full ? local.getCanonicalHostName() : local.getHostName();
            int dot = name.indexOf('.');
            return full || dot < 0 ? name : name.substring(0, dot);
        } catch (UnknownHostException e) {
            throw new KindlingException("Cannot find this machine's name (" + e.getMessage() + "); give the host: "
                    + "--name NAME@HOST", e);
        }
    }

    /** Prints node and cluster events, one line each, holding them back until the ready line is out. */
    static final class EventPrinter {
        private final PrintWriter out;
        private final List<String> held = new ArrayList<>();
        private boolean ready;
        private String lastRefresh;

        EventPrinter(PrintWriter out) {
            this.out = out;
        }

        synchronized void ready(String line) {
            out.println(line);
            held.forEach(out::println);
            held.clear();
            ready = true;
            out.flush();
        }

        void print(NodeEvent event) {
            line(switch (event) {
                case NodeEvent.NodeUp up -> nodeUp(up.node(), up.attributes());
                case NodeEvent.NodeDown down -> nodeDown(down.node(), down.reason());
            });
        }

        synchronized void print(ClusterEvent event) {
            line(switch (event) {
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
            });
        }

        private synchronized void line(String line) {
            if (line == null) {
                return;
            }
            if (ready) {
                out.println(line);
                out.flush();
            } else {
                held.add(line);
            }
        }

        private static String nodeUp(NodeName node, NodeAttributes attributes) {
            return "node up: " + node + " " + attributes.values();
        }

        private static String nodeDown(NodeName node, String reason) {
            return "node down: " + node + " (" + reason + ")";
        }
    }
}
