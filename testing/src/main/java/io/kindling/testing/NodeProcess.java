package io.kindling.testing;

import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.cluster.ClusterEvent;
import io.kindling.core.KindlingNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process a test started, with its output lines, waits on them with deadlines, and a kill that waits: for tests
 * of discovery strategies and other multi-JVM behaviour.
 *
 * <p>{@link #node} starts a Kindling node with a cluster in a child JVM on the test's class path; it prints
 * {@code READY <port>}, then one line per cluster event ({@code UP <node>}, {@code DOWN <node> <reason>},
 * {@code REFRESHED <outcome>}), and exits when its standard input ends, so it never outlives the test JVM.
 */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final String label;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private NodeProcess(Process process, String label) {
        this.process = process;
        this.label = label;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /**
     * Starts any command, its standard error merged into its output, with an environment that keeps this one's
     * but drops {@code KINDLING_*} and {@code ERL_*} variables and adds the given ones.
     *
     * @param label a name for messages
     * @param command the command
     * @param environment variables to add
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static NodeProcess start(String label, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("KINDLING_") || k.startsWith("ERL_"));
        builder.environment().putAll(environment);
        return new NodeProcess(builder.start(), label);
    }

    /**
     * Starts a node named {@code name@127.0.0.1} with a cluster, in a child JVM on this JVM's class path (or the
     * system property {@code kindling.test.classpath} when set, as Kindling's own builds set it).
     *
     * @param name the node's name part
     * @param cookie the cookie
     * @param settings {@code key=value} configuration, e.g. {@code kindling.cluster.strategy=jgroups}
     * @return the process, once it printed {@code READY}
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted while waiting
     */
    public static NodeProcess node(String name, String cookie, String... settings)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath(),
                NodeProcess.class.getName(), "kindling.node.name=" + name + "@127.0.0.1", "kindling.cookie=" + cookie));
        command.addAll(List.of(settings));
        NodeProcess node = start(name, command, Map.of());
        try {
            node.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("READY "));
        } catch (AssertionError e) {
            node.kill();
            throw e;
        }
        return node;
    }

    private static String classPath() {
        String classPath = System.getProperty("kindling.test.classpath", System.getProperty("java.class.path"));
        return classPath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    /** {@return the name given at start} */
    public String label() {
        return label;
    }

    /** {@return the process} */
    public Process process() {
        return process;
    }

    /**
     * Waits for a line that matches, among all lines printed so far and later ones.
     *
     * @param timeout how long to wait
     * @param matching the test
     * @return the line
     * @throws AssertionError with the whole output if none came in time
     * @throws InterruptedException if interrupted
     */
    public String awaitLine(Duration timeout, Predicate<String> matching) throws InterruptedException {
        return awaitLineAfter(0, timeout, matching);
    }

    /**
     * Waits for a line that matches, among the lines from index {@code from} on (see {@link #lineCount()}).
     *
     * @param from the first line to look at
     * @param timeout how long to wait
     * @param matching the test
     * @return the line
     * @throws AssertionError with the whole output if none came in time
     * @throws InterruptedException if interrupted
     */
    public String awaitLineAfter(int from, Duration timeout, Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = from; i < lines.size(); i++) {
                if (matching.test(lines.get(i))) {
                    return lines.get(i);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label + ": no matching line within " + timeout.toMillis() + " ms; output:\n"
                        + output());
            }
            Thread.sleep(10);
        }
    }

    /** {@return how many lines it printed so far} */
    public int lineCount() {
        return lines.size();
    }

    /** {@return everything it printed so far} */
    public String output() {
        return String.join("\n", lines);
    }

    /**
     * Kills it and its descendants with SIGKILL and waits for the end.
     *
     * @throws InterruptedException if interrupted
     * @throws AssertionError if it does not die within 15 s
     */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError(label + " did not die after SIGKILL");
        }
    }

    /** Same as {@link #kill()}. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /**
     * The child node of {@link #node}: {@code key=value} settings as arguments.
     *
     * @param args the settings
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        System.out.println("READY " + node.address().port());
        System.out.flush();
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
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // nothing to read; the end of input means the test JVM is gone
        }
        node.close();
        System.exit(0);
    }
}
