package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the {@code ssh} backend, read from {@code kindling.backend.ssh.*}: runners start on other hosts
 * through the system's OpenSSH client, with key authentication and checked host keys.
 *
 * @param hosts where runners start ({@code hosts}, required): {@code [user@]host[:port]}, comma-separated. The
 *     runner's node takes {@code host} as its host, so it must be an address (or a name) the parent and the other
 *     nodes reach it at, and the runner listens on it
 * @param ssh the OpenSSH client ({@code ssh}; default {@code ssh} on the {@code PATH})
 * @param identity the private key ({@code identity}; default: the client's own choice, from {@code ~/.ssh})
 * @param knownHosts the known-hosts file the hosts' keys are checked against ({@code known-hosts}; default: the
 *     client's, {@code ~/.ssh/known_hosts}). Host keys are always checked: an unknown or changed key fails the boot
 * @param sshOptions more client options, each {@code Name=value} as for {@code ssh -o}, e.g.
 *     {@code ProxyJump=bastion} ({@code ssh-options}, comma-separated; default none)
 * @param connectTimeout how long the client may take to connect ({@code connect-timeout}, default 10 s)
 * @param aliveInterval how often the client checks that the host answers; after {@code aliveCountMax} checks
 *     without an answer it gives up, and the runner counts as lost ({@code alive-interval}, default 5 s)
 * @param aliveCountMax see {@code aliveInterval} ({@code alive-count-max}, default 3)
 * @param java the {@code java} executable on the hosts ({@code java}; default: the path of this JVM's)
 * @param modulePath the application's module path on the hosts ({@code module-path}; default: this JVM's)
 * @param classPath the application's class path on the hosts ({@code class-path}; default: this JVM's)
 * @param jvmOptions options added to every runner's command line ({@code jvm-options}, comma-separated)
 * @param outputLines how many of a runner's last output lines are kept for error messages ({@code output-lines},
 *     default 50)
 */
public record SshBackendOptions(List<SshHost> hosts, String ssh, Optional<Path> identity, Optional<Path> knownHosts,
        List<String> sshOptions, Duration connectTimeout, Duration aliveInterval, int aliveCountMax, String java,
        String modulePath, String classPath, List<String> jvmOptions, int outputLines) {

    /**
     * A host runners start on.
     *
     * @param user the user to log in as; empty for the client's default
     * @param host the host name or address
     * @param port the SSH port
     */
    public record SshHost(Optional<String> user, String host, int port) {

        /** Checks the parts. */
        public SshHost {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(host, "host");
        }

        /**
         * Parses {@code [user@]host[:port]}, the port 22 when absent.
         *
         * @param text the text
         * @return the host
         * @throws IllegalArgumentException if it is not of that form
         */
        public static SshHost parse(String text) {
            String trimmed = text.trim();
            int at = trimmed.lastIndexOf('@');
            Optional<String> user = at > 0 ? Optional.of(trimmed.substring(0, at)) : Optional.empty();
            if (at == 0 || user.filter(u -> !u.matches("[A-Za-z0-9._-]+")).isPresent()) {
                throw new IllegalArgumentException("'" + trimmed + "' is not [user@]host[:port]: the user must be "
                        + "letters, digits, '.', '_' or '-'");
            }
            HostPort hostPort = HostPort.parse(trimmed.substring(at + 1), 22);
            if (!hostPort.host().matches("[A-Za-z0-9.:_-]+")) {
                throw new IllegalArgumentException("'" + trimmed + "' is not [user@]host[:port]: the host must be "
                        + "a name or an address");
            }
            return new SshHost(user, hostPort.host(), hostPort.port());
        }

        /** {@return {@code [user@]host}, the client's destination} */
        String destination() {
            return user.map(u -> u + "@").orElse("") + host;
        }

        @Override
        public String toString() {
            return destination() + (port == 22 ? "" : ":" + port);
        }
    }

    /** Checks the values. */
    public SshBackendOptions {
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(ssh, "ssh");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(knownHosts, "knownHosts");
        sshOptions = List.copyOf(sshOptions);
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(modulePath, "modulePath");
        Objects.requireNonNull(classPath, "classPath");
        jvmOptions = List.copyOf(jvmOptions);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("The ssh backend needs at least one host");
        }
        Durations.requirePositive(connectTimeout, "connect timeout");
        Durations.requirePositive(aliveInterval, "alive interval");
        if (aliveCountMax < 1 || outputLines < 1) {
            throw new IllegalArgumentException("alive-count-max and output-lines must be at least 1, not "
                    + aliveCountMax + " and " + outputLines);
        }
        for (String option : sshOptions) {
            if (!isClientOption(option)) {
                throw new IllegalArgumentException("ssh option '" + option + "' is not Name=value");
            }
        }
    }

    /** Whether a client option has the form {@code ssh -o} takes: {@code Name=value}. */
    private static boolean isClientOption(String option) {
        return option.matches("[A-Za-z]+=\\S.*");
    }

    /**
     * The defaults for these hosts: the {@code ssh} on the {@code PATH} with its own key and known hosts, 10 s to
     * connect, a host lost after 3 unanswered checks 5 s apart, this JVM's java and paths.
     *
     * @param hosts where runners start
     * @return the options
     */
    public static SshBackendOptions of(List<SshHost> hosts) {
        return new SshBackendOptions(hosts, "ssh", Optional.empty(), Optional.empty(), List.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(5), 3, PeerBackendOptions.defaults().java().toString(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""), List.of(), 50);
    }

    /**
     * Reads the settings from a configuration scoped to {@code kindling.backend.ssh}.
     *
     * @param config the scoped configuration
     * @return the options
     * @throws ConfigException if {@code hosts} is missing or a value is malformed; the message names the key
     */
    public static SshBackendOptions fromConfig(Config config) {
        List<SshHost> hosts = new ArrayList<>();
        for (String text : config.getList("hosts")) {
            try {
                hosts.add(SshHost.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(config.fullKey("hosts"), "Setting " + config.fullKey("hosts") + ": "
                        + e.getMessage());
            }
        }
        if (hosts.isEmpty()) {
            throw new ConfigException(config.fullKey("hosts"), "Setting " + config.fullKey("hosts") + " is required "
                    + "by the ssh backend: the hosts runners start on, [user@]host[:port], comma-separated");
        }
        SshBackendOptions defaults = of(hosts);
        Optional<Path> identity = file(config, "identity");
        Optional<Path> knownHosts = file(config, "known-hosts");
        int aliveCountMax = atLeastOne(config, "alive-count-max", defaults.aliveCountMax());
        int outputLines = atLeastOne(config, "output-lines", defaults.outputLines());
        List<String> sshOptions = config.getList("ssh-options");
        for (String option : sshOptions) {
            if (!isClientOption(option)) {
                throw new ConfigException(config.fullKey("ssh-options"), "Setting " + config.fullKey("ssh-options")
                        + ": '" + option + "' is not Name=value, as for ssh -o");
            }
        }
        return new SshBackendOptions(hosts, config.get("ssh").filter(v -> !v.isBlank()).map(String::trim)
                .orElse(defaults.ssh()), identity, knownHosts, sshOptions,
                Durations.positiveSetting(config, "connect-timeout", null, defaults.connectTimeout()),
                Durations.positiveSetting(config, "alive-interval", null, defaults.aliveInterval()), aliveCountMax,
                config.get("java").filter(v -> !v.isBlank()).map(String::trim).orElse(defaults.java()),
                config.get("module-path").map(String::trim).orElse(defaults.modulePath()),
                config.get("class-path").map(String::trim).orElse(defaults.classPath()),
                config.getList("jvm-options"), outputLines);
    }

    private static int atLeastOne(Config config, String key, int defaultValue) {
        int value = config.getInt(key, defaultValue);
        if (value < 1) {
            throw new ConfigException(config.fullKey(key), "Setting " + config.fullKey(key) + " must be at least 1");
        }
        return value;
    }

    private static Optional<Path> file(Config config, String key) {
        Optional<Path> path = config.get(key).filter(v -> !v.isBlank()).map(v -> Path.of(v.trim()));
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw new ConfigException(config.fullKey(key), "Setting " + config.fullKey(key) + " = " + path.get()
                    + " is not a readable file");
        }
        return path;
    }
}
