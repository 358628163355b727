package io.kindling.backend.peer;

import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A runner as a local process, for both backends of this module: the runner's JVM itself ({@code peer}), or the
 * {@code ssh} client that runs it on another host ({@code ssh}, whose output and standard input are the remote
 * runner's). Reads its output (boot phases, a boot failure, the last lines), logs it, and stops it: standard input
 * closed first (the runner's signal to stop), then, after the grace period, SIGKILL.
 */
final class RunnerProcess implements RunnerHandle {

    private static final System.Logger LOG = System.getLogger(RunnerProcess.class.getName());

    private final NodeName name;
    private final Process process;
    private final String kind;
    private final int outputLines;
    private final OutputStream stdin;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final CompletableFuture<Exit> exit;
    private volatile String phase;
    private volatile String failure;
    private final long startedNanos = System.nanoTime();
    private final Map<String, Duration> phaseTimes = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>());

    /**
     * Watches a started process.
     *
     * @param name the runner's name
     * @param process the process
     * @param kind what the process is, for {@link #toString()}: {@code PeerRunner}, {@code SshRunner}
     * @param outputLines how many of its last lines to keep
     */
    RunnerProcess(NodeName name, Process process, String kind, int outputLines) {
        this.name = name;
        this.process = process;
        this.kind = kind;
        this.outputLines = outputLines;
        this.stdin = process.getOutputStream();
        Thread pump = Thread.ofVirtual().name("kindling-runner-output-" + name.name()).start(this::pump);
        this.exit = process.onExit().thenApply(p -> {
            try {
                pump.join(Duration.ofSeconds(2)); // the last lines, for the reason
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int code = p.exitValue();
            String reason = "exited with code " + code + (code > 128 ? " (signal " + (code - 128) + ")" : "")
                    + (failure != null ? ": " + failure : "");
            return new Exit(OptionalInt.of(code), reason);
        });
    }

    /**
     * Writes the runner's spec to its standard input.
     *
     * @param spec the encoded spec ({@link RunnerProtocol#encode})
     * @throws IOException if the process ended before it read it; the process is killed
     */
    void send(String spec) throws IOException {
        try {
            stdin.write(spec.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("Runner " + name + " exited before it read its spec: " + recentOutput(), e);
        }
    }

    private void pump() {
        RunnerOutput output = new RunnerOutput(name.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                RunnerProtocol.phaseOf(line).ifPresent(reached -> {
                    phase = reached;
                    phaseTimes.putIfAbsent(reached, Duration.ofNanos(System.nanoTime() - startedNanos));
                });
                RunnerProtocol.failureOf(line).ifPresent(reason -> failure = reason);
                synchronized (recent) {
                    recent.add(line);
                    if (recent.size() > outputLines) {
                        recent.removeFirst();
                    }
                }
                output.accept(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** {@return the local process} */
    Process process() {
        return process;
    }

    @Override
    public NodeName name() {
        return name;
    }

    @Override
    public Map<String, Duration> bootPhaseTimes() {
        synchronized (phaseTimes) {
            return new java.util.LinkedHashMap<>(phaseTimes);
        }
    }

    @Override
    public CompletableFuture<Exit> onExit() {
        return exit;
    }

    @Override
    public void stop(Duration grace) {
        try {
            stdin.close(); // the runner's signal to close its node and exit
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!grace.isZero() && process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Runner " + name + " (pid " + process.pid() + ") did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<String> recentOutput() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public Optional<String> bootPhase() {
        return Optional.ofNullable(phase);
    }

    @Override
    public String toString() {
        return kind + "[" + name + ", pid " + process.pid() + "]";
    }
}
