package io.kindling.backend.peer;

import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runners as child JVMs. */
final class PeerBackend implements Backend {

    private static final System.Logger LOG = System.getLogger(PeerBackend.class.getName());
    private static final System.Logger OUTPUT = System.getLogger("io.kindling.backend.peer.runner");
    /** Core's runner entry point; the child finds it on the parent's module path or class path. */
    static final String RUNNER_MODULE = "io.kindling.core";
    static final String RUNNER_CLASS = "io.kindling.core.Runner";
    private static final String PHASE_PREFIX = "kindling-runner: phase ";
    private static final String FAILED_PREFIX = "kindling-runner: failed: ";
    /** The module options a runner takes over from this JVM. */
    private static final List<String> MODULE_OPTIONS = List.of("--patch-module", "--add-reads", "--add-exports",
            "--add-opens", "--add-modules");

    private final PeerBackendOptions options;
    private final Set<Child> children = ConcurrentHashMap.newKeySet();

    PeerBackend(PeerBackendOptions options) {
        this.options = options;
    }

    @Override
    public RunnerHandle boot(RunnerSpec spec) throws IOException {
        List<String> command = command();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear(); // nothing inherited: only what the pool lists
        builder.environment().putAll(spec.env());
        Process process = builder.start();
        Child child = new Child(spec.runnerName(), process);
        children.add(child);
        process.onExit().thenRun(() -> children.remove(child));
        StringBuilder settings = new StringBuilder();
        settings.append("name=").append(spec.runnerName()).append('\n')
                .append("parent=").append(spec.parent()).append('\n')
                .append("pool=").append(escape(spec.poolName())).append('\n')
                .append("cookie=").append(escape(spec.cookie())).append('\n')
                .append("boot-timeout-ms=").append(spec.bootTimeout().toMillis()).append('\n')
                .append("extensions=").append(String.join(",", spec.extensions())).append('\n')
                .append("parent-pid=").append(ProcessHandle.current().pid()).append("\n\n");
        try {
            child.stdin.write(settings.toString().getBytes(StandardCharsets.UTF_8));
            child.stdin.flush();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("Runner " + spec.runnerName() + " exited before it read its spec: "
                    + child.recentOutput(), e);
        }
        return child;
    }

    @Override
    public void close() {
        children.forEach(child -> child.stop(Duration.ofSeconds(2)));
    }

    /** The child's command: this JVM's module options and paths, then core's runner entry point. */
    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        if (options.classDataSharing() && archivable()) {
            command.add("-XX:+AutoCreateSharedArchive");
            command.add("-XX:SharedArchiveFile=" + archive());
            command.add("-Xlog:cds=off");
            command.add("-Xlog:cds+dynamic=off");
        }
        command.addAll(options.jvmOptions());
        String modulePath = System.getProperty("jdk.module.path", "");
        String classPath = System.getProperty("java.class.path", "");
        boolean modular = ModuleLayer.boot().findModule(RUNNER_MODULE).isPresent() && !modulePath.isBlank();
        if (modular) {
            command.add("--module-path");
            command.add(modulePath);
            String upgrade = System.getProperty("jdk.module.upgrade.path", "");
            if (!upgrade.isBlank()) {
                command.add("--upgrade-module-path");
                command.add(upgrade);
            }
            // The module options this JVM was started with: patched modules (a test's classes), reads, exports,
            // opens. The JVM hides them from the system properties; the runtime bean still lists them.
            for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (MODULE_OPTIONS.stream().anyMatch(option -> argument.startsWith(option + "="))) {
                    command.add(argument);
                }
            }
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
            if (!classPath.isBlank()) {
                command.add("-cp");
                command.add(classPath);
            }
            command.add("-m");
            command.add(RUNNER_MODULE + "/" + RUNNER_CLASS);
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(RUNNER_CLASS);
        }
        return command;
    }

    /**
     * Whether a class-data archive can be made: the JVM refuses to dump one when a class path or module path
     * entry is a non-empty directory (as in a build's target/classes), and then exits with an error.
     */
    private static boolean archivable() {
        String paths = System.getProperty("jdk.module.path", "") + java.io.File.pathSeparator
                + System.getProperty("java.class.path", "");
        for (String entry : paths.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && java.nio.file.Files.isDirectory(Path.of(entry))) {
                return false;
            }
        }
        return true;
    }

    /** One archive per java, paths and options: a change of any of them makes a new one. */
    private Path archive() {
        String key = options.java() + "\0" + System.getProperty("java.version") + "\0"
                + System.getProperty("jdk.module.path", "") + "\0" + System.getProperty("java.class.path", "")
                + "\0" + options.jvmOptions();
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "kindling-runner-" + user + "-"
                + HexFormat.of().formatHex(digest, 0, 8) + ".jsa");
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** A runner process. */
    private final class Child implements RunnerHandle {
        private final NodeName name;
        private final Process process;
        private final OutputStream stdin;
        private final ArrayDeque<String> recent = new ArrayDeque<>();
        private final CompletableFuture<Exit> exit;
        private volatile String phase;
        private volatile String failure;

        Child(NodeName name, Process process) {
            this.name = name;
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread pump = Thread.ofVirtual().name("kindling-peer-output-" + name.name()).start(this::pump);
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

        private void pump() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(PHASE_PREFIX)) {
                        phase = line.substring(PHASE_PREFIX.length());
                    } else if (line.startsWith(FAILED_PREFIX)) {
                        failure = line.substring(FAILED_PREFIX.length());
                    }
                    synchronized (recent) {
                        recent.add(line);
                        if (recent.size() > options.outputLines()) {
                            recent.removeFirst();
                        }
                    }
                    OUTPUT.log(Level.INFO, "[" + name + "] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        @Override
        public NodeName name() {
            return name;
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
            return "PeerRunner[" + name + ", pid " + process.pid() + "]";
        }
    }

}
