package io.kindling.backend.peer;

import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.backend.peer.SshBackendOptions.SshHost;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runners on other hosts, each started by the OpenSSH client: {@code ssh host -- exec env -i … java … RunnerMain}.
 * The spec, cookie included, goes down the session's standard input, never onto a command line; the runner's
 * output comes back through it. A runner exits when its session ends (its standard input closes), which the client's
 * alive checks bring about when the host stops answering, and when its parent node goes down.
 *
 * <p>Each runner goes to the host with the fewest runners of this backend, the least recently chosen first among
 * equals; a host whose client last failed (exit status 255: it could not connect, or lost the host) is passed over
 * for {@value #SUSPECT_SECONDS} s while another host is left.
 */
final class SshBackend implements Backend {

    /** How long a host whose session failed is passed over. */
    static final int SUSPECT_SECONDS = 30;
    /** The client's exit status for its own errors: no connection, a refused key, a lost host. */
    private static final int SSH_FAILED = 255;

    private final SshBackendOptions options;
    private final Class<?> runnerMain;
    private final Set<RunnerProcess> children = ConcurrentHashMap.newKeySet();
    /** Runner to host, from naming to exit. Guarded by this. */
    private final Map<NodeName, SshHost> placed = new HashMap<>();
    /** Host to when its session last failed (nanoTime). Guarded by this. */
    private final Map<SshHost, Long> failedAt = new HashMap<>();
    /** Host to the number of the choice that last took it. Guarded by this. */
    private final Map<SshHost, Long> chosenAt = new HashMap<>();
    private long choices;

    SshBackend(SshBackendOptions options, Class<?> runnerMain) {
        this.options = options;
        this.runnerMain = runnerMain;
    }

    @Override
    public synchronized NodeName runnerName(NodeName proposed) {
        long now = System.nanoTime();
        SshHost host = options.hosts().stream().min(Comparator.comparing((SshHost h) -> suspect(h, now))
                .thenComparingLong(h -> placed.values().stream().filter(h::equals).count())
                .thenComparingLong(h -> chosenAt.getOrDefault(h, -1L))).orElseThrow();
        chosenAt.put(host, ++choices);
        NodeName name = NodeName.of(proposed.name(), host.host());
        placed.put(name, host);
        return name;
    }

    private boolean suspect(SshHost host, long now) {
        Long failed = failedAt.get(host);
        return failed != null && now - failed < Duration.ofSeconds(SUSPECT_SECONDS).toNanos();
    }

    @Override
    public RunnerHandle boot(RunnerSpec spec) throws IOException {
        NodeName name = spec.runnerName();
        SshHost host;
        synchronized (this) {
            host = placed.get(name);
            if (host == null) { // named without asking this backend: its host must be one of ours
                host = options.hosts().stream().filter(h -> h.host().equals(name.host())).findFirst()
                        .orElseThrow(() -> new IOException("Runner " + name + " is on no host of the ssh backend "
                                + options.hosts() + " (kindling.backend.ssh.hosts)"));
                placed.put(name, host);
            }
        }
        SshHost chosen = host;
        Process process;
        try {
            process = new ProcessBuilder(command(chosen, spec.env())).redirectErrorStream(true).start();
        } catch (IOException | RuntimeException e) {
            ended(name, chosen, true);
            throw new IOException("Cannot start the ssh client '" + options.ssh() + "' for runner " + name + " on "
                    + chosen + " (kindling.backend.ssh.ssh): " + e.getMessage(), e);
        }
        RunnerProcess child = new RunnerProcess(name, process, "SshRunner[" + chosen + "]", options.outputLines());
        children.add(child);
        process.onExit().thenRun(() -> {
            children.remove(child);
            ended(name, chosen, process.exitValue() == SSH_FAILED);
        });
        child.send(RunnerProtocol.encode(spec, OptionalLong.empty())); // no parent process there to watch
        return child;
    }

    private synchronized void ended(NodeName name, SshHost host, boolean failed) {
        placed.remove(name);
        if (failed) {
            failedAt.put(host, System.nanoTime());
        }
    }

    /** The client's command: options, the host, then the remote command as one shell-quoted line. */
    List<String> command(SshHost host, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(options.ssh(), "-T", "-o", "BatchMode=yes", "-o",
                "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=" + seconds(options.connectTimeout()), "-o",
                "ServerAliveInterval=" + seconds(options.aliveInterval()), "-o", "ServerAliveCountMax="
                        + options.aliveCountMax(), "-o", "LogLevel=ERROR"));
        options.identity().ifPresent(key -> command.addAll(List.of("-i", key.toString(), "-o",
                "IdentitiesOnly=yes")));
        options.knownHosts().ifPresent(file -> command.addAll(List.of("-o", "UserKnownHostsFile=" + file, "-o",
                "GlobalKnownHostsFile=/dev/null")));
        for (String option : options.sshOptions()) {
            command.addAll(List.of("-o", option));
        }
        command.addAll(List.of("-p", Integer.toString(host.port()), host.destination(), "--"));
        List<String> remote = new ArrayList<>(List.of("exec", "env", "-i"));
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!entry.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IOException("The pool's environment variable '" + entry.getKey() + "' cannot be passed "
                        + "to a runner on another host: names are letters, digits and '_'");
            }
            remote.add(entry.getKey() + "=" + entry.getValue());
        }
        remote.addAll(RunnerCommand.of(options.java(), List.of(), options.jvmOptions(), options.modulePath(),
                options.classPath(), runnerMain));
        command.add(String.join(" ", remote.stream().map(SshBackend::quote).toList()));
        return command;
    }

    /** Quotes a word for the remote POSIX shell. */
    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    @Override
    public void close() {
        children.forEach(child -> child.stop(Duration.ofSeconds(2)));
    }
}
