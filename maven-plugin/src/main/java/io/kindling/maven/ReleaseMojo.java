package io.kindling.maven;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Builds a self-contained release of a Kindling application in {@code target/release/<name>/}, like Elixir's
 * {@code mix release}:
 * <ul>
 *   <li>{@code runtime/}: a {@code jlink} image of only the JDK modules the application needs (found with
 *       {@code jdeps} over its jars, plus {@code addModules}), so automatic modules never reach {@code jlink};</li>
 *   <li>{@code lib/}: the application's jar and its runtime dependencies, run on the module path (every plugin
 *       module there is found by service binding);</li>
 *   <li>{@code bin/<name>}: a POSIX launcher ({@code start}, {@code daemon}, {@code stop}, {@code restart},
 *       {@code pid}, {@code version}, and with the shell {@code rpc}, {@code remote}, {@code eval});</li>
 *   <li>{@code releases/<version>/}: {@code env.sh} (sourced first), {@code jvm.options} and
 *       {@code kindling.properties} (the runtime configuration, read at boot as {@code KINDLING_CONFIG});
 *       {@code releases/COOKIE}: the cookie, owner-only, shared by every release of the build (made once in the
 *       output directory), unless {@code KINDLING_COOKIE} is set at run time.</li>
 * </ul>
 * Bind it once per release, each execution with its own {@code name} and configuration.
 */
@Mojo(name = "release", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public class ReleaseMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The release's name: the directory and the launcher {@code bin/<name>}. */
    @Parameter(required = true)
    private String name;

    /**
     * The main class: {@code module/class} for a modular application (run on the module path with {@code -m}), or
     * a class name for one that is not (run on the class path, every jar of {@code lib/}).
     */
    @Parameter(required = true)
    private String main;

    /** The release version, default the project's. */
    @Parameter(defaultValue = "${project.version}")
    private String version;

    /** Arguments the application always gets, before the ones given to {@code start}. */
    @Parameter
    private List<String> arguments = new ArrayList<>();

    /** Lines of {@code jvm.options}. */
    @Parameter
    private List<String> jvmOptions = new ArrayList<>();

    /** The release's {@code kindling.properties}: the runtime configuration. */
    @Parameter
    private Map<String, String> properties = new TreeMap<>();

    /** Lines of {@code env.sh}. */
    @Parameter
    private List<String> environment = new ArrayList<>();

    /** JDK modules to add to what {@code jdeps} finds (those reached only by reflection or service binding). */
    @Parameter
    private List<String> addModules = new ArrayList<>();

    /**
     * Arguments of a training run: when set, the release runs once at build time with them (after
     * {@code arguments}) and its start-up cache is kept (an AOT cache on JDK 25+, a class-data archive before),
     * which {@code bin/<name>} then uses: classes come loaded and linked, the JVM's answer to a release's code
     * preloading. The run must print {@code trainingReadyLine} and exit when its standard input ends.
     */
    @Parameter
    private List<String> trainingArguments = new ArrayList<>();

    /** The start of the line a training run prints when it is up. */
    @Parameter(defaultValue = "READY")
    private String trainingReadyLine;

    /** How long a training run may take, in seconds. */
    @Parameter(defaultValue = "120")
    private int trainingTimeoutSeconds;

    /**
     * Whether the release carries the shell: {@code jdk.jshell} in its runtime, and {@code rpc}, {@code remote} and
     * {@code eval} in its launcher (about 10 MB).
     */
    @Parameter(defaultValue = "true")
    private boolean shell;

    /** Where releases go. */
    @Parameter(defaultValue = "${project.build.directory}/release")
    private File outputDirectory;

    /** Maven creates it. */
    public ReleaseMojo() {
    }

    @Override
    public void execute() throws MojoExecutionException {
        Path root = outputDirectory.toPath().resolve(name);
        try {
            delete(root);
            Path lib = Files.createDirectories(root.resolve("lib"));
            List<Path> jars = new ArrayList<>();
            File own = project.getArtifact().getFile();
            if (own == null || !own.isFile()) {
                throw new MojoExecutionException("The project's jar is not built yet: bind the release goal to the "
                        + "package phase (after the jar), not earlier");
            }
            jars.add(own.toPath());
            for (Artifact artifact : project.getArtifacts()) {
                if (artifact.getFile() != null && artifact.getFile().getName().endsWith(".jar")
                        && (Artifact.SCOPE_COMPILE.equals(artifact.getScope())
                                || Artifact.SCOPE_RUNTIME.equals(artifact.getScope()))) {
                    jars.add(artifact.getFile().toPath());
                }
            }
            for (Path jar : jars) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
            Set<String> modules = jdkModules(jars);
            getLog().info("Release " + name + ": JDK modules " + modules);
            run("jlink", "--add-modules", String.join(",", modules), "--output", root.resolve("runtime").toString(),
                    "--strip-debug", "--no-header-files", "--no-man-pages");
            Path release = Files.createDirectories(root.resolve("releases").resolve(version));
            Files.writeString(root.resolve("releases").resolve("current"), version + "\n");
            Files.writeString(release.resolve("env.sh"), "# Sourced by bin/" + name + " before every command.\n"
                    + String.join("\n", environment) + "\n");
            Files.writeString(release.resolve("jvm.options"), "# One JVM option per line.\n"
                    + String.join("\n", jvmOptions) + "\n");
            StringBuilder config = new StringBuilder("# The release's runtime configuration (KINDLING_CONFIG).\n");
            new TreeMap<>(properties).forEach((key, value) -> config.append(key).append('=').append(value)
                    .append('\n'));
            Files.writeString(release.resolve("kindling.properties"), config);
            Files.copy(cookie(), root.resolve("releases").resolve("COOKIE"));
            writeLauncher(root);
            if (!trainingArguments.isEmpty()) {
                train(root, release);
            }
            Files.createDirectories(root.resolve("log"));
            Files.createDirectories(root.resolve("tmp"));
            getLog().info("Release " + name + " " + version + " in " + root + " (" + size(root) / (1 << 20)
                    + " MiB); run " + root.resolve("bin").resolve(name) + " start");
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot build release " + name + " in " + root + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The JDK modules the jars need: those their module descriptors require (a module may need one only by
     * reflection, as core needs {@code jdk.unsupported}), those {@code jdeps} finds in their classes (automatic
     * modules and plain jars have no descriptor), {@code java.base}, and the configured additions.
     */
    private Set<String> jdkModules(List<Path> jars) throws MojoExecutionException {
        Set<String> required = new LinkedHashSet<>();
        ModuleFinder system = ModuleFinder.ofSystem();
        for (ModuleReference module : ModuleFinder.of(jars.toArray(new Path[0])).findAll()) {
            for (ModuleDescriptor.Requires requires : module.descriptor().requires()) {
                if (system.find(requires.name()).isPresent()) {
                    required.add(requires.name());
                }
            }
        }
        List<String> args = new ArrayList<>(List.of("--ignore-missing-deps", "--print-module-deps",
                "--multi-release", String.valueOf(Runtime.version().feature())));
        jars.forEach(jar -> args.add(jar.toString()));
        String output = run("jdeps", args.toArray(new String[0])).trim();
        Set<String> modules = new LinkedHashSet<>(List.of("java.base"));
        modules.addAll(required);
        for (String module : output.split(",")) {
            if (!module.isBlank()) {
                modules.add(module.trim());
            }
        }
        modules.addAll(addModules);
        if (shell) {
            modules.add("jdk.jshell");
        }
        return modules;
    }

    private String run(String tool, String... args) throws MojoExecutionException {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new MojoExecutionException(
                "The JDK running Maven has no " + tool + ": build releases with a full JDK 21 or newer"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = provider.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        if (status != 0) {
            throw new MojoExecutionException(tool + " failed (" + status + "): " + err.toString(StandardCharsets.UTF_8)
                    + out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The build's cookie, made once per output directory and shared by its releases, owner-only. It is a key token
     * ({@value #KEY_TOKEN_PREFIX} and 32 random bytes, base64url): a node uses those bytes as the handshake key
     * directly. There is no password behind it to stretch, so a release starts without the cookie's key
     * derivation (0.1 to 0.6 s).
     */
    private Path cookie() throws IOException {
        Path cookie = outputDirectory.toPath().resolve("COOKIE");
        synchronized (ReleaseMojo.class) {
            if (!Files.exists(cookie)) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Files.createDirectories(cookie.getParent());
                Files.createFile(cookie, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------")));
                Files.writeString(cookie, KEY_TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(bytes) + "\n");
            }
        }
        return cookie;
    }

    /** The shell's client, in core. */
    private static final String CLIENT = "io.kindling.core.internal.shell.ShellClient";

    /** {@return whether the application runs on the module path ({@code main} is {@code module/class})} */
    private boolean modular() {
        return main.contains("/");
    }

    /** The prefix of a cookie that carries a key (core's {@code Cookies.KEY_TOKEN_PREFIX}: the same format). */
    static final String KEY_TOKEN_PREFIX = "kindling-key-v2:";

    private void writeLauncher(Path root) throws IOException, MojoExecutionException {
        String template;
        try (InputStream in = ReleaseMojo.class.getResourceAsStream("launcher.sh")) {
            if (in == null) {
                throw new MojoExecutionException("launcher.sh is missing from the plugin");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder launch = new StringBuilder(modular() ? "--module-path \"$RELEASE_ROOT/lib\" -m " + main
                : "-cp \"$RELEASE_ROOT/lib/*\" " + main);
        for (String argument : arguments) {
            launch.append(" '").append(argument.replace("'", "'\\''")).append('\'');
        }
        Path bin = Files.createDirectories(root.resolve("bin")).resolve(name);
        Files.writeString(bin, template.replace("@NAME@", name).replace("@VERSION@", version)
                .replace("@LAUNCH@", launch.toString()).replace("@SHELL@", shell ? "--add-modules jdk.jshell" : "")
                .replace("@HAS_SHELL@", shell ? "1" : "0")
                .replace("@CLIENT_MODULES@", shell ? (modular() ? "jdk.jshell,ALL-MODULE-PATH" : "jdk.jshell")
                        : modular() ? "ALL-MODULE-PATH" : "java.base")
                .replace("@CLIENT_MAIN@", modular()
                        ? "--module-path \"$RELEASE_ROOT/lib\" -m io.kindling.core/" + CLIENT
                        : "-cp \"$RELEASE_ROOT/lib/*\" " + CLIENT));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the application once with the training arguments and keeps its start-up cache in the release. */
    private void train(Path root, Path release) throws IOException, MojoExecutionException {
        boolean aot = Runtime.version().feature() >= 25;
        Path cache = release.resolve(aot ? "app.aot" : "app.jsa");
        List<String> command = new ArrayList<>(List.of(root.resolve("runtime").resolve("bin").resolve("java")
                .toString(), aot ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache));
        command.addAll(jvmOptions);
        if (shell) {
            command.addAll(List.of("--add-modules", "jdk.jshell")); // the module graph bin/<name> start uses
        }
        command.addAll(modular() ? List.of("--module-path", root.resolve("lib").toString(), "-m", main)
                : List.of("-cp", root.resolve("lib") + File.separator + "*", main));
        command.addAll(arguments);
        command.addAll(trainingArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("KINDLING_"));
        builder.environment().put("KINDLING_COOKIE_FILE", root.resolve("releases").resolve("COOKIE").toString());
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            List<String> output = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (output) {
                            output.add(line);
                            output.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(trainingTimeoutSeconds);
            synchronized (output) {
                while (output.stream().noneMatch(line -> line.startsWith(trainingReadyLine))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                        throw new MojoExecutionException("The training run of release " + name + " did not print '"
                                + trainingReadyLine + "' within " + trainingTimeoutSeconds + " s: " + output);
                    }
                    output.wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            process.getOutputStream().close(); // end of input: the application stops, and the JVM writes its cache
            if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)
                    || process.exitValue() != 0 || !Files.isRegularFile(cache)) {
                throw new MojoExecutionException("The training run of release " + name + " did not end cleanly with "
                        + "a cache in " + cache + ": " + output);
            }
            getLog().info("Release " + name + ": start-up cache trained in "
                    + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms, "
                    + Files.size(cache) / (1 << 20) + " MiB");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("Interrupted while training release " + name, e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
