package io.kindling.multihost;

import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.NetworkHosts;
import io.kindling.testsupport.NetworkHosts.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Kindling node with a cluster in a JVM of its own on one of the {@link NetworkHosts}: {@code node@<address>},
 * listening on port {@value #PORT} of its host, driven through {@link ClusterNodeMain}'s lines.
 */
final class HostNode {

    /** The port every node listens on, each on its own host's address. */
    static final int PORT = 4370;
    /** How long a JVM may take to start its node. */
    private static final Duration START = Duration.ofSeconds(60);

    final Host host;
    final String name;
    final ChildProcess process;

    private HostNode(Host host, ChildProcess process) {
        this.host = host;
        this.name = nameOn(host);
        this.process = process;
    }

    /** {@return the name of the node on a host} */
    static String nameOn(Host host) {
        return "node@" + host.address();
    }

    /**
     * Starts a node on a host and waits until it listens.
     *
     * @param hosts the hosts
     * @param host where
     * @param cookie the cluster's cookie
     * @param settings more configuration, {@code key=value}
     * @param mainClass {@link ClusterNodeMain}, or a main of a test's that runs it with commands of its own
     */
    static HostNode start(NetworkHosts hosts, Host host, String cookie, List<String> settings, Class<?> mainClass)
            throws InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("kindling.node.name=" + nameOn(host),
                "kindling.node.port=" + PORT, "kindling.cookie=" + cookie));
        arguments.addAll(settings);
        ChildProcess process = hosts.java(host, "node on " + host, mainClass, arguments);
        process.awaitLine(START, line -> line.startsWith("READY"));
        return new HostNode(host, process);
    }

    /** Waits for this node's cluster to report another node up, counting from output line {@code from}. */
    String awaitUp(int from, HostNode other, Duration timeout) throws InterruptedException {
        return process.awaitLineAfter(from, timeout, line -> line.equals("UP " + other.name));
    }

    /** Waits for this node's cluster to report another node down, counting from output line {@code from}. */
    String awaitDown(int from, HostNode other, Duration timeout) throws InterruptedException {
        return process.awaitLineAfter(from, timeout, line -> line.startsWith("DOWN " + other.name + " "));
    }

    /**
     * Calls another node for its process id.
     *
     * @return the reply: {@code CALLED <node> <pid> <micros>} or {@code CALL_FAILED <node> <exception> <micros> …}
     */
    String call(HostNode other, Duration timeout) throws IOException, InterruptedException {
        return process.send("call " + other.name + " " + timeout.toMillis(), timeout.plusSeconds(30),
                line -> line.startsWith("CALLED " + other.name + " ") || line.startsWith("CALL_FAILED " + other.name
                        + " "));
    }

    /**
     * Starts a call to another node whose task sleeps there first, and returns at once: a call in flight.
     *
     * @return completes with the reply, as {@link #call}'s
     */
    CompletableFuture<String> callInFlight(HostNode other, Duration timeout, Duration sleep) {
        return sendLater("call " + other.name + " " + timeout.toMillis() + " " + sleep.toMillis(),
                timeout.plusSeconds(30), "CALLED " + other.name + " ", "CALL_FAILED " + other.name + " ");
    }

    /**
     * Sends a command and waits for its reply, on a thread of its own: for a command whose reply comes later.
     *
     * @param command the line
     * @param timeout how long the reply may take
     * @param replyPrefixes how the reply starts
     * @return completes with the reply
     */
    CompletableFuture<String> sendLater(String command, Duration timeout, String... replyPrefixes) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                reply.complete(process.send(command, timeout, line -> java.util.Arrays.stream(replyPrefixes)
                        .anyMatch(line::startsWith)));
            } catch (Throwable e) {
                reply.completeExceptionally(e);
            }
        });
        return reply;
    }

    /** Pings another node: {@code PINGED <node> <micros>} or {@code PING_FAILED …}. */
    String ping(HostNode other, Duration timeout) throws IOException, InterruptedException {
        return process.send("ping " + other.name + " " + timeout.toMillis(), timeout.plusSeconds(30),
                line -> line.startsWith("PINGED " + other.name + " ") || line.startsWith("PING_FAILED " + other.name
                        + " "));
    }

    /** {@return the micros field of a CALLED, CALL_FAILED, PINGED or PING_FAILED reply} */
    static long micros(String reply) {
        String[] words = reply.split(" ");
        return Long.parseLong(words[0].equals("CALLED") || words[0].endsWith("_FAILED") ? words[3] : words[2]);
    }

    @Override
    public String toString() {
        return name;
    }
}
