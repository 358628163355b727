package io.kindling.backend.peer;

import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Runners as child JVMs, started at core's {@link io.kindling.api.spi.RunnerEntryPoint}. */
final class PeerBackend implements Backend {

    private static final System.Logger LOG = System.getLogger(PeerBackend.class.getName());
    private final PeerBackendOptions options;
    private final Set<RunnerProcess> children = ConcurrentHashMap.newKeySet();
    /** How many of a user's start-up caches the temporary directory keeps: the newest. */
    static final int KEPT_CACHES = 4;
    /** Caches being trained by a runner of this JVM: one trainer per cache. */
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();
    /** Each options' cache file, by java, JVM options and kind. */
    private static final java.util.Map<String, Path> CACHE_FILES = new ConcurrentHashMap<>();

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
        RunnerProcess child = new RunnerProcess(spec.runnerName(), process, "PeerRunner", options.outputLines());
        children.add(child);
        process.onExit().thenRun(() -> {
            children.remove(child);
            if (startup.trainingOutput() != null) {
                installTrained(startup);
            }
        });
        child.send(RunnerProtocol.encode(spec, OptionalLong.of(ProcessHandle.current().pid())));
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
                pruneOlderCaches(startup.cache(), KEPT_CACHES);
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

    /**
     * Deletes this user's start-up caches beyond the newest {@code kept}, the one just installed included: each
     * change of java, paths or jars makes a new one (about 20 MB), and nothing else would ever delete the old ones. A
     * JVM still running from a deleted cache keeps it mapped; the next runner of such a parent trains a new one.
     *
     * @param installed the cache just installed, {@code kindling-runner-<user>-<key>.aot}
     * @param kept how many of this user's caches to keep
     */
    static void pruneOlderCaches(Path installed, int kept) {
        String name = installed.getFileName().toString();
        String prefix = name.substring(0, name.lastIndexOf('-') + 1); // kindling-runner-<user>-
        String suffix = name.substring(name.lastIndexOf('.'));
        try (var siblings = Files.list(installed.getParent())) {
            java.util.regex.Pattern same = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix)
                    + "[0-9a-f]{16}" + java.util.regex.Pattern.quote(suffix)); // not a user "a-b"'s for user "a"
            List<Path> others = siblings.filter(p -> !p.equals(installed))
                    .filter(p -> same.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(java.util.Comparator.comparing(PeerBackend::modified).reversed()).toList();
            for (Path old : others.subList(Math.min(others.size(), Math.max(0, kept - 1)), others.size())) {
                Files.deleteIfExists(old);
                LOG.log(Level.DEBUG, "Older runner start-up cache deleted: " + old);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Older runner start-up caches not pruned: " + e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The child's command: this JVM's java (or the configured one), module options and paths. */
    List<String> command(Startup startup) {
        return RunnerCommand.local(options.java().toString(), startup.options(), options.jvmOptions(), runnerMain);
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
     * every runner would start without one. Worked out once per JVM and options (stamping the jars took about 2 ms
     * of each boot): a deploy that replaces the jars restarts this JVM too.
     */
    private Path cacheFile(String suffix) {
        return CACHE_FILES.computeIfAbsent(options.java() + "\0" + options.jvmOptions() + "\0" + suffix,
                unused -> newCacheFile(suffix));
    }

    private Path newCacheFile(String suffix) {
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
}
