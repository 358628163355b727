package io.kindling.core.internal.shell;

import io.kindling.api.AuthenticationException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteExecutionException;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A release's {@code rpc}, {@code remote} and {@code eval}:
 * <pre>
 * rpc ADDRESS_FILE SOURCE   evaluate SOURCE inside the running node, print the value
 * remote ADDRESS_FILE       read snippets from standard input, one a line, run each inside the running node (one
 *                           session: variables stay), print each value
 * eval SOURCE               evaluate SOURCE in this JVM, with the application's modules, without starting a node
 * stop ADDRESS_FILE         ask the running node to stop (SystemTasks.stopProcess)
 * </pre>
 * The running node is found through the file it writes ({@code kindling.node.address-file}); the client joins it as
 * a node of its own with the release's cookie. Exit status: 0, or 1 with the reason on standard error (the node is
 * not running, a wrong cookie, a compile error with the compiler's message, an exception).
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class ShellClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ShellClient() {
    }

    /**
     * Runs a command.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            int status = switch (args.length == 0 ? "" : args[0]) {
                case "rpc" -> args.length == 3 ? rpc(Path.of(args[1]), args[2], out) : usage();
                case "remote" -> args.length == 2 ? remote(Path.of(args[1]), out) : usage();
                case "eval" -> args.length == 2 ? eval(args[1], out) : usage();
                case "stop" -> args.length == 2 ? stop(Path.of(args[1]), out) : usage();
                default -> usage();
            };
            System.exit(status);
        } catch (RuntimeException | IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static int usage() {
        System.err.println("usage: rpc ADDRESS_FILE SOURCE | remote ADDRESS_FILE | eval SOURCE | stop ADDRESS_FILE");
        return 2;
    }

    private static int eval(String source, PrintStream out) {
        try {
            out.println(Shells.eval(null, "eval", source));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int stop(Path addressFile, PrintStream out) throws IOException {
        try (Connected connected = connect(addressFile)) {
            out.println("stopping " + connected.node().call(connected.peer(), SystemTasks.stopProcess(), TIMEOUT));
            return 0;
        }
    }

    private static int rpc(Path addressFile, String source, PrintStream out) throws IOException {
        try (Connected connected = connect(addressFile)) {
            return evaluate(connected, UUID.randomUUID().toString(), source, out) ? 0 : 1;
        }
    }

    private static int remote(Path addressFile, PrintStream out) throws IOException {
        try (Connected connected = connect(addressFile)) {
            String session = UUID.randomUUID().toString();
            boolean terminal = System.console() != null;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int failures = 0;
            while (true) {
                if (terminal) {
                    out.print(connected.peer().name() + "> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    return failures == 0 ? 0 : 1;
                }
                if (!line.isBlank() && !evaluate(connected, session, line, out)) {
                    failures++;
                }
            }
        }
    }

    private static boolean evaluate(Connected connected, String session, String source, PrintStream out) {
        try {
            out.println(connected.node().call(connected.peer(), SystemTasks.evaluate(session, source), TIMEOUT));
            return true;
        } catch (RemoteExecutionException e) {
            Throwable cause = e.getCause();
            System.err.println("error: " + (cause != null ? cause.getMessage() : e.getMessage()));
            return false;
        }
    }

    private record Connected(KindlingNode node, NodeName peer) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
        }
    }

    private static Connected connect(Path addressFile) throws IOException {
        NodeAddress target;
        try {
            target = NodeAddress.parse(Files.readString(addressFile).trim());
        } catch (NoSuchFileException e) {
            String name = io.kindling.core.KindlingConfig.load().get("kindling.node.name").orElse("The node");
            throw new KindlingException("The node is not running: " + name + " has no address file " + addressFile
                    + " (a running node writes its name@host:port there)");
        }
        KindlingNode node = KindlingNode.builder().name(NodeName.of("shell-" + ProcessHandle.current().pid(),
                target.name().host())).set("kindling.node.address-file", "").start();
        try {
            return new Connected(node, node.connect(target, Duration.ofSeconds(5)));
        } catch (AuthenticationException e) {
            node.close();
            throw new KindlingException("Wrong cookie for node " + target.name() + ": " + e.getMessage());
        } catch (KindlingException e) {
            node.close();
            throw new KindlingException("Node " + target.name() + " is not running, or not answering, at "
                    + target.host() + ":" + target.port() + " (from " + addressFile + "): " + e.getMessage());
        }
    }
}
