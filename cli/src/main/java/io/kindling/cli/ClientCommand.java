package io.kindling.cli;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that starts a short-lived client node, asks one node something and prints the answer: only the answer
 * on stdout, errors on stderr, no log lines unless {@code -v}. {@code --timeout} bounds the whole command, the port
 * mapper lookup and the connection included.
 */
abstract class ClientCommand implements Callable<Integer> {

    /** How the answer is printed. */
    enum Format { text, json }

    @Option(names = "--timeout", converter = KindlingCli.DurationConverter.class, defaultValue = "5s",
            description = "How long the whole command may take, connecting included. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--format", defaultValue = "text", description = "text or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = {"-v", "--verbose"}, description = "Also print the client node's log lines (on stderr).")
    boolean verbose;

    @Option(names = "--epmd-port", paramLabel = "PORT", description = "The port mapper's port, for targets without "
            + "a port. Default: ERL_EPMD_PORT, else 4369.")
    Integer epmdPort;

    @Mixin
    NodeOptions node = new NodeOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private long deadline;

    @Override
    public final Integer call() throws Exception {
        deadline = System.nanoTime() + timeout.toNanos();
        if (!verbose) {
            Logger.getLogger("").setLevel(Level.OFF);
        }
        Thread watchdog = bounded() ? watchdog() : null;
        try {
            return run();
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
    }

    /**
     * {@return whether {@code --timeout} bounds the whole command; a command that runs until stopped (observer)
     * bounds only its steps with {@link #remaining()}}
     */
    boolean bounded() {
        return true;
    }

    /**
     * Does the command's work within {@link #remaining()}.
     *
     * @return the exit code
     * @throws Exception a failure, reported on stderr with exit code 1
     */
    abstract Integer run() throws Exception;

    /** {@return the time left of {@code --timeout}; at least a millisecond} */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** {@return stdout} */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** {@return stderr} */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Starts the client node, named after this process, on loopback, with its timeouts within the command's. */
    KindlingNode startClient() {
        String bound = remaining().toMillis() + "ms";
        return node.builder(err()).name("kindling-cli-" + ProcessHandle.current().pid() + "@127.0.0.1")
                .set("kindling.connect.timeout", bound).set("kindling.handshake.timeout", bound).start();
    }

    /**
     * Connects the client to a target, looking its port up on the target host's port mapper when it has none.
     *
     * @param client the client node
     * @param target {@code name@host:port} or {@code name@host}
     * @return the connected node's name
     */
    NodeName connect(KindlingNode client, String target) {
        NodeAddress address = NodeTarget.resolve(target, epmdPort(), remaining());
        return client.connect(address, remaining());
    }

    /** {@return {@code --epmd-port}, else {@link NodeTarget#defaultEpmdPort}} */
    int epmdPort() {
        return epmdPort != null ? epmdPort : NodeTarget.defaultEpmdPort(io.kindling.core.KindlingConfig.load());
    }

    /**
     * A backstop: when every step kept to its share of the time, the command ended before its deadline; if one
     * did not, the process still ends, a second after it, with exit code 1.
     */
    private Thread watchdog() {
        PrintWriter err = err();
        String name = spec.name();
        return Thread.ofPlatform().daemon().name("kindling-cli-watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plusSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
            err.println(String.format(Locale.ROOT, "kindling %s failed: no answer within %s (--timeout)", name,
                    timeout));
            err.flush();
            Runtime.getRuntime().halt(KindlingCli.FAILED);
        });
    }
}
