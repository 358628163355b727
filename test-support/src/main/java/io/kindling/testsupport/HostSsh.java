package io.kindling.testsupport;

import io.kindling.testsupport.NetworkHosts.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * OpenSSH servers on some of the {@link NetworkHosts}, for tests of runners started over SSH: one {@code sshd} per
 * host on port 22 of its address, each with a host key of its own, accepting one client key (root may log in with
 * it, keys only), or one on loopback ({@link #onLoopback()}). {@link #identity()} is that key and
 * {@link #knownHosts()} names every server's host key, so a client checks host keys strictly. Closing it stops the
 * servers and deletes the keys; the hosts' own {@link NetworkHosts#close} kills whatever the sessions left. Needs
 * {@code sshd} (Debian {@code openssh-server}) and {@code ssh-keygen} ({@code openssh-client}).
 */
public final class HostSsh implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Path PRIVILEGE_SEPARATION = Path.of("/run/sshd");

    private final Path dir;
    private final List<ChildProcess> servers = new ArrayList<>();
    private final boolean madePrivilegeSeparationDir;

    private int port = 22;

    private HostSsh(Path dir, boolean madePrivilegeSeparationDir) {
        this.dir = dir;
        this.madePrivilegeSeparationDir = madePrivilegeSeparationDir;
    }

    /** Skips (or, under {@value Requires#STRICT}, fails) the test unless the OpenSSH server and client are here. */
    public static void requireTools() {
        Requires.executable("sshd", "openssh-server");
        Requires.executable("ssh-keygen", "openssh-client");
        Requires.executable("ssh", "openssh-client");
    }

    /**
     * Starts a server on each host, on port 22 of its address.
     *
     * @param hosts the hosts
     * @param on the hosts that get a server
     * @return the servers, listening
     */
    public static HostSsh start(NetworkHosts hosts, Collection<Host> on) {
        return start(on.stream().map(host -> new Server("host-" + host.index(), host.address(), 22,
                command -> hosts.exec(host, "sshd on " + host, command, Map.of()))).toList());
    }

    /**
     * Starts one server on 127.0.0.1, on a free port, for tests on one machine (test traffic stays on loopback).
     * Needs root, as {@code sshd} does to log a user in.
     *
     * @return the server, listening
     */
    public static HostSsh onLoopback() {
        Requires.root("runs sshd, which needs root to log a user in");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(List.of(new Server("loopback", "127.0.0.1", port, command -> {
            try {
                return ChildProcess.start("sshd on 127.0.0.1:" + port, command, Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })));
    }

    /** A server to start: its files' label, its address and port, and how its command runs there. */
    private record Server(String label, String address, int port,
            java.util.function.Function<List<String>, ChildProcess> exec) {
    }

    private static HostSsh start(List<Server> servers) {
        requireTools();
        boolean made = false;
        Path dir;
        try {
            if (!Files.isDirectory(PRIVILEGE_SEPARATION)) { // sshd refuses to start without it
                Files.createDirectories(PRIVILEGE_SEPARATION);
                made = true;
            }
            dir = Files.createTempDirectory("kindling-ssh");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HostSsh ssh = new HostSsh(dir, made);
        try {
            ssh.startServers(servers);
            ssh.port = servers.getFirst().port();
            return ssh;
        } catch (RuntimeException | Error e) {
            ssh.close();
            throw e;
        }
    }

    private void startServers(List<Server> on) {
        String keygen = Requires.executable("ssh-keygen", "openssh-client").toString();
        String sshd = Requires.executable("sshd", "openssh-server").toString();
        Commands.run(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "kindling-test-client", "-f",
                identity().toString());
        List<String> knownHosts = new ArrayList<>();
        try {
            Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
            for (Server server : on) {
                Path key = dir.resolve(server.label());
                Commands.run(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "kindling-test-host", "-f",
                        key.toString());
                String[] publicKey = Files.readString(key.resolveSibling(key.getFileName() + ".pub")).strip()
                        .split(" ");
                knownHosts.add((server.port() == 22 ? server.address() : "[" + server.address() + "]:"
                        + server.port()) + " " + publicKey[0] + " " + publicKey[1]);
                Path config = dir.resolve(server.label() + ".conf");
                Files.write(config, List.of("Port " + server.port(), "ListenAddress " + server.address(),
                        "HostKey " + key, "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                        "UsePAM no", "PermitRootLogin prohibit-password", "StrictModes no", "PidFile "
                                + dir.resolve(server.label() + ".pid"), "LogLevel INFO"));
                ChildProcess process = server.exec().apply(List.of(sshd, "-D", "-e", "-f", config.toString()));
                servers.add(process);
                process.awaitLine(START, line -> line.startsWith("Server listening on " + server.address()));
            }
            Files.write(knownHosts(), knownHosts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sshd started", e);
        }
    }

    /** {@return the port of the only server (see {@link #onLoopback()})} */
    public int port() {
        return port;
    }

    /** {@return the client's private key} */
    public Path identity() {
        return dir.resolve("id_ed25519");
    }

    /** {@return the known-hosts file naming every server's host key by its host's address} */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** Stops the servers and deletes the keys. */
    @Override
    public void close() {
        for (ChildProcess server : servers) {
            try {
                server.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (AssertionError e) {
                // the hosts' close kills what is left in their namespaces
            }
        }
        try {
            TempFiles.deleteTree(dir);
        } catch (IOException e) {
            // best effort: a temporary directory
        }
        if (madePrivilegeSeparationDir) {
            PRIVILEGE_SEPARATION.toFile().delete();
        }
    }
}
