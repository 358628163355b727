package io.kindling.core;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.testsupport.ChildProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link TestNodeMain} in a child JVM on the test class path. Closing it kills the process and waits. */
final class ChildNode implements AutoCloseable {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);

    final Process process;
    final NodeAddress address;
    private final ChildProcess child;

    private ChildNode(ChildProcess child, NodeAddress address) {
        this.child = child;
        this.process = child.process();
        this.address = address;
    }

    /** Starts a child node named {@code name@127.0.0.1} with the given extra settings. */
    static ChildNode start(String name, String cookie, String... settings) throws Exception {
        return start(0, name, cookie, settings);
    }

    /**
     * Starts a child node whose process may open at most {@code maxFiles} files ({@code ulimit -n}); 0 leaves the
     * limit as it is.
     */
    static ChildNode start(int maxFiles, String name, String cookie, String... settings) throws Exception {
        NodeName nodeName = NodeName.of(name, "127.0.0.1");
        List<String> arguments = new ArrayList<>(List.of("kindling.node.name=" + nodeName, "kindling.cookie=" + cookie));
        arguments.addAll(List.of(settings));
        List<String> command = ChildProcess.javaCommand(TestNodeMain.class, arguments);
        if (maxFiles > 0) {
            List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + maxFiles + " && exec \"$@\"",
                    "bash"));
            wrapped.addAll(command);
            command = wrapped;
        }
        ChildProcess child = ChildProcess.start(name, command, java.util.Map.of());
        try {
            String ready = child.awaitLine(BOOT_TIMEOUT, line -> line.startsWith("READY "));
            return new ChildNode(child, new NodeAddress(nodeName, nodeName.host(),
                    Integer.parseInt(ready.substring(6).trim())));
        } catch (AssertionError | RuntimeException e) {
            child.kill();
            throw e;
        }
    }

    NodeName name() {
        return address.name();
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command and waits for its one-line reply. */
    String command(String line, Duration timeout) throws Exception {
        return child.send(line, timeout, reply -> reply.startsWith("CONNECTED ") || reply.startsWith("CALLED ")
                || reply.startsWith("ERROR "));
    }

    /** Everything the child printed so far (standard output and standard error). */
    List<String> output() {
        return child.lines();
    }

    void signal(String signal) throws Exception {
        child.signal(signal);
    }

    @Override
    public void close() throws Exception {
        child.kill();
    }
}
