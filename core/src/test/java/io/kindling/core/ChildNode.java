package io.kindling.core;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link TestNodeMain} in a child JVM on the plain class path. Closing it kills the process and waits. */
final class ChildNode implements AutoCloseable {

    final Process process;
    final NodeAddress address;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ChildNode(Process process, NodeName name, Duration bootTimeout) throws Exception {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BlockingQueue<String> ready = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> pump(process, ready));
        String line = ready.poll(bootTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || !line.startsWith("READY ")) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("Child node " + name + " did not start within " + bootTimeout
                    + "; output:\n" + String.join("\n", output));
        }
        this.address = new NodeAddress(name, name.host(), Integer.parseInt(line.substring(6).trim()));
    }

    /** Starts a child node named {@code name@127.0.0.1} with the given extra settings. */
    static ChildNode start(String name, String cookie, String... settings) throws Exception {
        NodeName nodeName = NodeName.of(name, "127.0.0.1");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(testClassPath());
        command.add(TestNodeMain.class.getName());
        command.add("kindling.node.name=" + nodeName);
        command.add("kindling.cookie=" + cookie);
        command.addAll(List.of(settings));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("KINDLING_"));
        return new ChildNode(builder.start(), nodeName, Duration.ofSeconds(30));
    }

    static String testClassPath() {
        String classPath = System.getProperty("kindling.test.classpath");
        if (classPath == null || classPath.isBlank()) {
            throw new IllegalStateException("System property kindling.test.classpath is not set: run the tests "
                    + "through Maven (./mvnw verify), which sets it");
        }
        return classPath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    private void pump(Process process, BlockingQueue<String> ready) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            boolean started = false;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                if (!started && line.startsWith("READY ")) {
                    started = true;
                    ready.add(line);
                } else if (line.startsWith("CONNECTED ") || line.startsWith("CALLED ") || line.startsWith("ERROR ")) {
                    replies.add(line);
                }
            }
        } catch (IOException e) {
            // process ended
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
        commands.write(line + "\n");
        commands.flush();
        String reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
            throw new IllegalStateException("No reply to '" + line + "' within " + timeout + "; output:\n"
                    + String.join("\n", output));
        }
        return reply;
    }

    /** Everything the child printed so far (standard output and standard error). */
    List<String> output() {
        return List.copyOf(output);
    }

    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (Exception e) {
                // it may have just exited
            }
        }
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child node " + address.name() + " did not exit");
        }
    }
}
