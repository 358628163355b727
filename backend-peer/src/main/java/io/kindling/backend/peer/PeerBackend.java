package io.kindling.backend.peer;

import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runners as child JVMs, started at core's {@link io.kindling.api.spi.RunnerEntryPoint}. */
final class PeerBackend implements Backend {

    private static final System.Logger LOG = System.getLogger(PeerBackend.class.getName());
    /** The module options a runner takes over from this JVM. */
    private static final List<String> MODULE_OPTIONS = List.of("--patch-module", "--add-reads", "--add-exports",
            "--add-opens", "--add-modules");

    private final PeerBackendOptions options;
    private final Set<Child> children = ConcurrentHashMap.newKeySet();
    /** Caches being trained by a runner of this JVM: one trainer per cache. */
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();

    /** Core's runner entry point; the child finds it on the parent's module path or class path. */
    private final Class<?> runnerMain;

    PeerBackend(PeerBackendOptions options, Class<?> runnerMain) {
        this.options = options;
        this.runnerMain = runnerMain;
    }

    @Override
    public RunnerHandle boot(RunnerSpec spec) throws IOException {
        Startup startup = startup();
        List<String> command = command(startup);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear(); // nothing inherited: only what the pool lists
        builder.environment().putAll(spec.env());
        Process process = builder.start();
        Child child = new Child(spec.runnerName(), process);
        children.add(child);
        process.onExit().thenRun(() -> {
            children.remove(child);
            if (startup.trainingOutput() != null) {
                installTrained(startup);
            }
        });
        String settings = RunnerProtocol.encode(spec, OptionalLong.of(ProcessHandle.current().pid()));
        try {
            child.stdin.write(settings.getBytes(StandardCharsets.UTF_8));
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

    /**
     * How runners start faster, by the runner JDK: an ahead-of-time cache (JDK 25+; the first runner trains it and
     * it is installed when that runner exits), else a class-data archive the first runner creates (JDK 19+), else
     * nothing. Only when the runner uses this JVM's java and every path entry is a jar.
     *
     * @param options the JVM options
     * @param trainingOutput where a training runner writes the cache, or {@code null}
     * @param cache where the cache goes once trained
     */
    record Startup(List<String> options, Path trainingOutput, Path cache) {
        static final Startup NONE = new Startup(List.of(), null, null);
    }

    Startup startup() {
        boolean sameJava = options.java().equals(PeerBackendOptions.defaults().java());
        if (!options.classDataSharing() || !sameJava || !archivable()) {
            return Startup.NONE;
        }
        int feature = Runtime.version().feature();
        if (feature >= 25) {
            Path cache = cacheFile(".aot");
            List<String> quiet = List.of("-Xlog:aot=off", "-Xlog:cds=off");
            if (Files.isRegularFile(cache)) {
                return new Startup(concat(List.of("-XX:AOTCache=" + cache), quiet), null, null);
            }
            if (TRAINING.add(cache)) {
                Path output = cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-"
                        + System.nanoTime() + ".tmp");
                return new Startup(concat(List.of("-XX:AOTCacheOutput=" + output), quiet), output, cache);
            }
            return Startup.NONE; // another runner is training it
        }
        if (feature >= 19) {
            return new Startup(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cacheFile(".jsa"),
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), null, null);
        }
        return Startup.NONE;
    }

    /** Installs a trained cache once its runner exited (the JVM writes it at exit). */
    static void installTrained(Startup startup) {
        try {
            if (Files.isRegularFile(startup.trainingOutput())) {
                // owner-only, like the cookie: it holds the application's classes
                Files.setPosixFilePermissions(startup.trainingOutput(),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.move(startup.trainingOutput(), startup.cache(), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                LOG.log(Level.DEBUG, "Runner start-up cache installed: " + startup.cache());
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Runner start-up cache not installed: " + e);
        } finally {
            // A killed training run's partial files: the output and what the JVM writes beside it (its .config)
            String prefix = startup.trainingOutput().getFileName().toString();
            try (var leftovers = Files.newDirectoryStream(startup.trainingOutput().getParent(), prefix + "*")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Cannot delete the training files " + startup.trainingOutput() + "*: " + e);
            }
            TRAINING.remove(startup.cache());
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The child's command: this JVM's module options and paths, then core's runner entry point. */
    List<String> command(Startup startup) {
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.addAll(startup.options());
        command.add(RunnerOutput.FORMAT_OPTION); // the runner's log lines come back at their level
        command.addAll(options.jvmOptions());
        String modulePath = System.getProperty("jdk.module.path", "");
        String classPath = System.getProperty("java.class.path", "");
        Module runnerModule = runnerMain.getModule();
        boolean modular = runnerModule.isNamed() && runnerModule.getLayer() == ModuleLayer.boot()
                && !modulePath.isBlank();
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
            command.add(runnerModule.getName() + "/" + runnerMain.getName());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(runnerMain.getName());
        }
        return command;
    }

    /**
     * Whether a class-data archive can be made: the JVM refuses to dump one when a class path or module path
     * entry is a non-empty directory (as in a build's target/classes), and then exits with an error.
     */
    private static boolean archivable() {
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && Files.isDirectory(Path.of(entry))) {
                return false;
            }
        }
        for (String entry : System.getProperty("jdk.module.path", "").split(java.io.File.pathSeparator)) {
            // A directory of jars is fine; an exploded module (a build's classes directory) is not.
            if (!entry.isBlank() && Files.exists(Path.of(entry, "module-info.class"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * One cache per java, paths, jar contents (size and modification time of each jar, also of each jar in a
     * module-path directory) and options: a change of any of them makes a new one. Without the jars' stamps, a
     * deploy that replaced the jars in place would keep pointing runners at a cache the JVM rejects as stale, and
     * every runner would start without one.
     */
    private Path cacheFile(String suffix) {
        StringBuilder jars = new StringBuilder();
        for (String path : List.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path",
                ""))) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    stampJars(Path.of(entry), jars);
                }
            }
        }
        String key = options.java() + "\0" + System.getProperty("java.version") + "\0"
                + System.getProperty("jdk.module.path", "") + "\0" + System.getProperty("java.class.path", "")
                + "\0" + jars + "\0" + options.jvmOptions();
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "kindling-runner-" + user + "-"
                + HexFormat.of().formatHex(digest, 0, 8) + suffix);
    }

    /** Appends the size and modification time of a jar, or of each jar in a directory, in name order. */
    static void stampJars(Path entry, StringBuilder stamps) {
        try {
            if (Files.isRegularFile(entry)) {
                stamps.append(entry.getFileName()).append(':').append(Files.size(entry)).append('@')
                        .append(Files.getLastModifiedTime(entry).toMillis()).append(';');
            } else if (Files.isDirectory(entry)) {
                try (var listing = Files.list(entry)) {
                    for (Path jar : listing.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                        stampJars(jar, stamps);
                    }
                }
            }
        } catch (IOException e) {
            stamps.append("?;");
        }
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
        private final long startedNanos = System.nanoTime();
        private final Map<String, Duration> phaseTimes = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>());

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
                        if (recent.size() > options.outputLines()) {
                            recent.removeFirst();
                        }
                    }
                    output.accept(line);
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
            return "PeerRunner[" + name + ", pid " + process.pid() + "]";
        }
    }

}
