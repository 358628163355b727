package io.kindling.testsupport;

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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process a test started: its output lines (standard error merged), waits on them with deadlines, lines sent to
 * its standard input, signals, and a kill that waits. {@link #java} starts a JVM on the test's class path, for
 * multi-JVM tests. Close it (or register it with a {@link Closer}) so it never outlives the test.
 */
public final class ChildProcess implements AutoCloseable {

    /** How long a killed process may take to end. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(15);

    private final Process process;
    private final String label;
    private final Writer input;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildProcess(Process process, String label) {
        this.process = process;
        this.label = label;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name("child-output-" + label).start(() -> {
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
    public static ChildProcess start(String label, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("KINDLING_") || k.startsWith("ERL_"));
        builder.environment().putAll(environment);
        return new ChildProcess(builder.start(), label);
    }

    /**
     * Starts a JVM running a main class on the test's class path ({@link #testClassPath()}), tuned to start fast.
     *
     * @param label a name for messages
     * @param mainClass the class whose {@code main} runs
     * @param arguments its arguments
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static ChildProcess java(String label, Class<?> mainClass, List<String> arguments) throws IOException {
        return start(label, javaCommand(mainClass, arguments), Map.of());
    }

    /**
     * The command {@link #java} runs, for a test that wraps it (in {@code bash -c "ulimit …; exec …"}, say).
     *
     * @param mainClass the class whose {@code main} runs
     * @param arguments its arguments
     * @return the command
     */
    public static List<String> javaCommand(Class<?> mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", testClassPath(),
                mainClass.getName()));
        command.addAll(arguments);
        return command;
    }

    /**
     * Compiles sources against the test's class path ({@link #testClassPath()}) for Java 21, with the JDK this JVM
     * runs on, as a test that needs two builds of the same class does.
     *
     * @param out the directory for the classes
     * @param sources the source files
     * @throws IOException if javac cannot start
     * @throws InterruptedException if interrupted
     * @throws AssertionError with javac's output if it fails or takes over a minute
     */
    public static void compile(Path out, List<Path> sources) throws IOException, InterruptedException {
        compile(out, sources, List.of("-cp", testClassPath()));
    }

    /**
     * Compiles sources for Java 21 with other javac options instead of the test's class path (a module path, a
     * module version).
     *
     * @param out the directory for the classes
     * @param sources the source files
     * @param options javac options
     * @throws IOException if javac cannot start
     * @throws InterruptedException if interrupted
     * @throws AssertionError with javac's output if it fails or takes over a minute
     */
    public static void compile(Path out, List<Path> sources, List<String> options) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac")
                .toString(), "--release", "21", "-d", out.toString()));
        command.addAll(options);
        sources.forEach(source -> command.add(source.toString()));
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!javac.waitFor(60, TimeUnit.SECONDS) || javac.exitValue() != 0) {
                throw new AssertionError("javac failed:\n" + output);
            }
        } finally {
            javac.destroyForcibly();
        }
    }

    /**
     * The class path a child JVM of a test runs on: the system property {@code kindling.test.classpath}, which
     * Kindling's build sets to the module's test class path (test classes, classes, test dependencies), else this
     * JVM's class path.
     *
     * @return the class path
     */
    public static String testClassPath() {
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
        String[] found = new String[1];
        Await.until(label + ": a matching line", timeout, () -> "output:\n" + output(), () -> {
            for (int i = from; i < lines.size(); i++) {
                if (matching.test(lines.get(i))) {
                    found[0] = lines.get(i);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /**
     * Sends a line to its standard input and waits for the first later output line that matches: a command and
     * its reply.
     *
     * @param line what to send
     * @param timeout how long to wait for the reply
     * @param reply which line is the reply
     * @return the reply
     * @throws IOException if the line cannot be sent
     * @throws AssertionError with the whole output if no reply came in time
     * @throws InterruptedException if interrupted
     */
    public String send(String line, Duration timeout, Predicate<String> reply)
            throws IOException, InterruptedException {
        int from = lines.size();
        write(line);
        return awaitLineAfter(from, timeout, reply);
    }

    /**
     * Sends a line to its standard input without waiting for a reply, as when several processes are told at once.
     *
     * @param line what to send
     * @throws IOException if the line cannot be sent
     */
    public void write(String line) throws IOException {
        synchronized (input) { // lines sent from several threads stay whole
            input.write(line + "\n");
            input.flush();
        }
    }

    /** {@return how many lines it printed so far} */
    public int lineCount() {
        return lines.size();
    }

    /** {@return every line it printed so far} */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** {@return everything it printed so far, one line a line} */
    public String output() {
        return String.join("\n", lines);
    }

    /**
     * Sends a signal with {@code kill}, e.g. {@code STOP}, {@code CONT}, {@code KILL}.
     *
     * @param signal the signal's name
     * @throws IOException if {@code kill} cannot run
     * @throws InterruptedException if interrupted
     * @throws AssertionError if {@code kill} failed or did not finish within 10 s
     */
    public void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " (" + label + ") failed");
        }
    }

    /**
     * Kills it and its descendants with SIGKILL (continuing it first, in case a test stopped it) and waits for the
     * end.
     *
     * @throws InterruptedException if interrupted
     * @throws AssertionError if it does not die within 15 s
     */
    public void kill() throws InterruptedException {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException | AssertionError e) {
                // it may have just exited
            }
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(KILL_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(label + " did not die after SIGKILL");
        }
    }

    /** Same as {@link #kill()}. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
