package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Settings of the {@code peer} backend, read from {@code kindling.backend.peer.*}.
 *
 * @param java the {@code java} executable for runners ({@code java}; default: the one running this JVM)
 * @param jvmOptions options added to every runner's command line, e.g. {@code -Xmx512m} ({@code jvm-options},
 *     comma-separated; default none)
 * @param classDataSharing whether runners share a class-data archive that the first runner creates in the
 *     temporary directory, which shortens their start-up ({@code class-data-sharing}; default true). Used only
 *     when every class path and module path entry is a jar: the JVM cannot archive classes from directories.
 * @param outputLines how many of a runner's last output lines are kept for error messages
 *     ({@code output-lines}; default 50)
 */
public record PeerBackendOptions(Path java, List<String> jvmOptions, boolean classDataSharing, int outputLines) {

    /** Checks the values. */
    public PeerBackendOptions {
        Objects.requireNonNull(java, "java");
        jvmOptions = List.copyOf(jvmOptions);
        if (outputLines < 1) {
            throw new IllegalArgumentException("outputLines must be at least 1, not " + outputLines);
        }
    }

    /** {@return the defaults: this JVM's java, no extra options, class-data sharing on, 50 output lines} */
    public static PeerBackendOptions defaults() {
        return new PeerBackendOptions(currentJava(), List.of(), true, 50);
    }

    /**
     * Reads the settings from a configuration scoped to {@code kindling.backend.peer}.
     *
     * @param config the scoped configuration
     * @return the options
     * @throws ConfigException if a value is malformed or the java executable does not exist
     */
    public static PeerBackendOptions fromConfig(Config config) {
        Path java = config.get("java").filter(v -> !v.isBlank()).map(v -> Path.of(v.trim())).orElse(currentJava());
        if (!Files.isExecutable(java)) {
            throw new ConfigException(config.fullKey("java"), "Setting " + config.fullKey("java") + " = " + java
                    + " is not an executable java");
        }
        int lines = config.getInt("output-lines", 50);
        if (lines < 1) {
            throw new ConfigException(config.fullKey("output-lines"), "Setting " + config.fullKey("output-lines")
                    + " must be at least 1");
        }
        return new PeerBackendOptions(java, config.getList("jvm-options"),
                config.getBoolean("class-data-sharing", true), lines);
    }

    /**
     * Adds JVM options.
     *
     * @param options more JVM options for every runner
     * @return these options with those added
     */
    public PeerBackendOptions withJvmOptions(List<String> options) {
        return new PeerBackendOptions(java, Stream.concat(jvmOptions.stream(), options.stream())
                .toList(), classDataSharing, outputLines);
    }

    private static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
}
