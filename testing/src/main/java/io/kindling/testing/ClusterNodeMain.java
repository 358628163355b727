package io.kindling.testing;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.cluster.RefreshResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A Kindling node with a cluster, as a process of its own: for tests of discovery strategies and other multi-JVM
 * behaviour. Run it with the settings as arguments ({@link #arguments}) on a class path holding core and the
 * strategy. Without {@code kindling.cluster.strategy} it runs the node alone, with no cluster. It prints
 * {@code READY <port>}, then one line per cluster event ({@code UP <node>},
 * {@code DOWN <node> <reason>}, {@code REFRESHED <outcome>}), and exits when its standard input ends, so it never
 * outlives the JVM that started it.
 *
 * <p>It answers commands on standard input, one line each, with one line:
 * <ul>
 *   <li>{@code call <node> <timeout-ms> [<sleep-ms>]}: calls the node for its process id, the task sleeping there
 *       first if asked; {@code CALLED <node> <pid> <micros>}, or
 *       {@code CALL_FAILED <node> <exception's simple class name> <micros> <message>};</li>
 *   <li>{@code ping <node> <timeout-ms>}: {@code PINGED <node> <micros>} (the round trip), or
 *       {@code PING_FAILED <node> <exception's simple class name> <micros> <message>};</li>
 *   <li>{@code peers}: {@code PEERS <node>,<node>,…} (the nodes connected now, sorted).</li>
 * </ul>
 * Anything else gets {@code ERROR unknown command <line>}.
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {
    }

    /**
     * The arguments that start a node named {@code name@127.0.0.1}.
     *
     * @param name the node's name part
     * @param cookie the cookie
     * @param settings more {@code key=value} configuration, e.g. {@code kindling.cluster.strategy=jgroups}
     * @return the arguments, for {@link #main}
     */
    public static List<String> arguments(String name, String cookie, String... settings) {
        List<String> arguments = new ArrayList<>(List.of("kindling.node.name=" + name + "@127.0.0.1",
                "kindling.cookie=" + cookie));
        arguments.addAll(List.of(settings));
        return arguments;
    }

    /**
     * Runs the node until standard input ends.
     *
     * @param args {@code key=value} settings
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        run(args, (node, command) -> null);
    }

    /**
     * Runs the node until standard input ends, answering more commands than {@link #main}'s: a test's own main
     * (calls through a library of its own, say) adds its commands and keeps the events and the others.
     *
     * @param args {@code key=value} settings
     * @param moreCommands answers a command line with its one reply line, or null when it does not know the
     *     command; it runs on a virtual thread of its own per command, once the node has started
     * @throws Exception if the node cannot start
     */
    public static void run(String[] args, BiFunction<KindlingNode, String, String> moreCommands) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        System.out.println("READY " + node.address().port());
        System.out.flush();
        if (node.config().get("kindling.cluster.strategy").filter(name -> !name.isBlank()).isEmpty()) {
            awaitEndOfInput(node, moreCommands); // no strategy: a plain node, for tests of transports and handshakes
            return;
        }
        Cluster.builder(node).listener(event -> {
            String line = switch (event) {
                case ClusterEvent.NodeUp up -> "UP " + up.node();
                case ClusterEvent.NodeDown down -> "DOWN " + down.node() + " " + down.reason();
                case ClusterEvent.Refreshed refreshed -> "REFRESHED " + RefreshResult.describe(refreshed.result());
                default -> event.getClass().getSimpleName().toUpperCase(Locale.ROOT);
            };
            System.out.println(line);
            System.out.flush();
        }).start();
        awaitEndOfInput(node, moreCommands);
    }

    private static void awaitEndOfInput(KindlingNode node, BiFunction<KindlingNode, String, String> moreCommands)
            throws java.io.IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) { // the end of input means the test JVM is gone
            String command = line.strip();
            // each command on a thread of its own, so that a slow call does not hold the next command
            Thread.ofVirtual().start(() -> answer(node, command, moreCommands));
        }
        node.close();
        System.exit(0);
    }

    private static void answer(KindlingNode node, String command,
            BiFunction<KindlingNode, String, String> moreCommands) {
        String[] words = command.split("\\s+");
        String reply;
        if ((words.length == 3 || words.length == 4 && words[0].equals("call"))
                && (words[0].equals("call") || words[0].equals("ping"))) {
            NodeName peer = NodeName.parse(words[1]);
            Duration timeout = Duration.ofMillis(Long.parseLong(words[2]));
            long start = System.nanoTime();
            try {
                if (words[0].equals("call")) {
                    long sleepMillis = words.length == 4 ? Long.parseLong(words[3]) : 0;
                    long pid = node.call(peer, () -> {
                        Thread.sleep(sleepMillis);
                        return ProcessHandle.current().pid();
                    }, timeout);
                    reply = "CALLED " + peer + " " + pid + " " + micros(start);
                } else {
                    reply = "PINGED " + peer + " " + node.ping(peer, timeout).toNanos() / 1000;
                }
            } catch (RuntimeException e) {
                reply = (words[0].equals("call") ? "CALL_FAILED " : "PING_FAILED ") + peer + " "
                        + e.getClass().getSimpleName() + " " + micros(start) + " " + e.getMessage();
            }
        } else if (command.equals("peers")) {
            reply = "PEERS " + node.connectedNodes().stream().map(NodeName::toString).sorted()
                    .collect(Collectors.joining(","));
        } else {
            String more = moreCommands.apply(node, command);
            reply = more != null ? more : "ERROR unknown command " + command;
        }
        synchronized (System.out) {
            System.out.println(reply);
            System.out.flush();
        }
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }
}
