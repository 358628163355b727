package io.kindling.strategy.epmd;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A process the test started: its output lines, waits on them with deadlines, and a kill that waits. */
final class ChildProcess implements AutoCloseable {

    final Process process;
    final String label;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildProcess(Process process, String label) {
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

    static ChildProcess start(String label, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("KINDLING_") || k.startsWith("ERL_"));
        builder.environment().putAll(environment);
        return new ChildProcess(builder.start(), label);
    }

    /** A Kindling node with a cluster ({@link ClusterNodeMain}) on the plain class path. */
    static ChildProcess node(String name, String... settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", testClassPath(),
                ClusterNodeMain.class.getName(), "kindling.node.name=" + name + "@127.0.0.1",
                "kindling.cookie=epmd-test"));
        command.addAll(List.of(settings));
        return start(name, command, Map.of());
    }

    static String testClassPath() {
        String classPath = System.getProperty("kindling.test.classpath");
        if (classPath == null || classPath.isBlank()) {
            throw new IllegalStateException("System property kindling.test.classpath is not set: run the tests "
                    + "through Maven (./mvnw verify), which sets it");
        }
        return classPath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    /** Waits for a line that matches, among all lines printed so far and later ones. */
    String awaitLine(Duration timeout, Predicate<String> matching) throws InterruptedException {
        return awaitLineAfter(0, timeout, matching);
    }

    /** Waits for a line that matches, among the lines printed from index {@code from} on. */
    String awaitLineAfter(int from, Duration timeout, Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = from; i < lines.size(); i++) {
                if (matching.test(lines.get(i))) {
                    return lines.get(i);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(label + ": no matching line within " + timeout.toMillis() + " ms; output:\n"
                        + String.join("\n", lines));
            }
            Thread.sleep(10);
        }
    }

    int lineCount() {
        return lines.size();
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Sends SIGKILL (kill -9) and waits for the process to end. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError(label + " did not die after SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
