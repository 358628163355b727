package io.kindling.backend.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.backend.peer.SshBackendOptions.SshHost;
import io.kindling.testsupport.HostSsh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ssh} backend's settings, its client command, host choice, and a host key that does not match. */
class SshBackendTest {

    @TempDir
    Path dir;

    private static Config config(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return Config.of(values).scoped("kindling.backend.ssh");
    }

    @Test
    void settingsAndTheirErrorsNameTheKey() throws IOException {
        Path key = Files.writeString(dir.resolve("key"), "not really a key");
        SshBackendOptions options = SshBackendOptions.fromConfig(config("kindling.backend.ssh.hosts",
                "deploy@10.0.0.7, 10.0.0.8:2222", "kindling.backend.ssh.identity", key.toString(),
                "kindling.backend.ssh.ssh-options", "ProxyJump=bastion"));
        assertEquals(List.of(new SshHost(Optional.of("deploy"), "10.0.0.7", 22), new SshHost(Optional.empty(),
                "10.0.0.8", 2222)), options.hosts());
        assertEquals(Optional.of(key), options.identity());
        assertEquals(Duration.ofSeconds(10), options.connectTimeout());
        assertEquals(Duration.ofSeconds(5), options.aliveInterval());
        assertEquals(3, options.aliveCountMax());

        ConfigException missing = assertThrows(ConfigException.class, () -> SshBackendOptions.fromConfig(config()));
        assertTrue(missing.getMessage().contains("kindling.backend.ssh.hosts is required"), missing.getMessage());
        ConfigException badHost = assertThrows(ConfigException.class, () -> SshBackendOptions.fromConfig(config(
                "kindling.backend.ssh.hosts", "a b@host")));
        assertTrue(badHost.getMessage().contains("kindling.backend.ssh.hosts"), badHost.getMessage());
        ConfigException noKey = assertThrows(ConfigException.class, () -> SshBackendOptions.fromConfig(config(
                "kindling.backend.ssh.hosts", "h", "kindling.backend.ssh.identity", dir.resolve("absent")
                        .toString())));
        assertTrue(noKey.getMessage().contains("kindling.backend.ssh.identity") && noKey.getMessage()
                .contains("not a readable file"), noKey.getMessage());
        ConfigException badOption = assertThrows(ConfigException.class, () -> SshBackendOptions.fromConfig(config(
                "kindling.backend.ssh.hosts", "h", "kindling.backend.ssh.ssh-options", "-oProxyCommand")));
        assertTrue(badOption.getMessage().contains("kindling.backend.ssh.ssh-options"), badOption.getMessage());
    }

    @Test
    void theClientChecksHostKeysUsesTheKeyOnlyAndGetsNoCookie() throws IOException {
        Path key = Files.writeString(dir.resolve("key"), "k");
        Path known = Files.writeString(dir.resolve("known"), "");
        SshBackend backend = (SshBackend) new SshBackendProvider().create(config("kindling.backend.ssh.hosts",
                "deploy@10.0.0.7:2222", "kindling.backend.ssh.identity", key.toString(),
                "kindling.backend.ssh.known-hosts", known.toString(), "kindling.backend.ssh.java",
                "/opt/jdk 25/bin/java"));
        List<String> command = backend.command(new SshHost(Optional.of("deploy"), "10.0.0.7", 2222),
                Map.of("GREETING", "it's here"));
        String line = String.join(" ", command);
        for (String expected : List.of("BatchMode=yes", "StrictHostKeyChecking=yes", "-i " + key,
                "IdentitiesOnly=yes", "UserKnownHostsFile=" + known, "GlobalKnownHostsFile=/dev/null", "-p 2222",
                "deploy@10.0.0.7 --")) {
            assertTrue(line.contains(expected), expected + " in " + line);
        }
        String remote = command.getLast();
        assertTrue(remote.startsWith("exec env -i 'GREETING=it'\\''s here' '/opt/jdk 25/bin/java' "), remote);
        assertTrue(remote.endsWith("RunnerMain"), remote);
        assertFalse(line.contains("cookie"), "the spec, cookie included, goes on standard input: " + line);
        IOException badName = assertThrows(IOException.class, () -> backend.command(new SshHost(Optional.empty(),
                "h", 22), Map.of("NOT A NAME", "x")));
        assertTrue(badName.getMessage().contains("NOT A NAME"), badName.getMessage());
    }

    @Test
    void runnersSpreadOverTheHosts() {
        SshBackend backend = (SshBackend) SshBackendProvider.backend(SshBackendOptions.of(List.of(
                SshHost.parse("10.0.0.7"), SshHost.parse("10.0.0.8"))));
        List<String> hosts = List.of(1, 2, 3, 4).stream().map(i -> backend.runnerName(NodeName.of("r-" + i,
                "127.0.0.1")).host()).toList();
        assertEquals(List.of("10.0.0.7", "10.0.0.8", "10.0.0.7", "10.0.0.8"), hosts);
        assertEquals("r-9", backend.runnerName(NodeName.of("r-9", "127.0.0.1")).name());
    }

    /**
     * A server whose host key is not the one the known-hosts file names: the client refuses it, the boot ends
     * with the client's status 255 and its reason, and the next runner goes to the other host.
     */
    @Test
    void aHostKeyThatDoesNotMatchFailsTheBootAndThatHostIsPassedOver() throws Exception {
        try (HostSsh ssh = HostSsh.onLoopback(); HostSsh other = HostSsh.onLoopback()) {
            // the other server's known-hosts file, whose key for its port is not this server's
            Path wrong = Files.writeString(dir.resolve("wrong"), Files.readString(other.knownHosts())
                    .replace("]:" + other.port() + " ", "]:" + ssh.port() + " "));
            SshBackend backend = (SshBackend) new SshBackendProvider().create(config("kindling.backend.ssh.hosts",
                    "root@127.0.0.1:" + ssh.port() + ",root@127.0.0.2", "kindling.backend.ssh.identity",
                    ssh.identity().toString(), "kindling.backend.ssh.known-hosts", wrong.toString()));
            NodeName name = backend.runnerName(NodeName.of("r-1", "127.0.0.1"));
            assertEquals("127.0.0.1", name.host());
            RunnerHandle handle = backend.boot(new RunnerSpec(name, new NodeAddress(NodeName.of("p", "127.0.0.1"),
                    "127.0.0.1", 1), "secret", "pool", Map.of(), Duration.ofSeconds(30), List.of(), Duration.ZERO));
            RunnerHandle.Exit exit = handle.onExit().get(30, TimeUnit.SECONDS);
            assertEquals(255, exit.exitCode().orElseThrow(), exit.reason());
            assertTrue(String.join("\n", handle.recentOutput()).contains("Host key verification failed"),
                    handle.recentOutput().toString());
            assertEquals("127.0.0.2", backend.runnerName(NodeName.of("r-2", "127.0.0.1")).host(),
                    "the host whose session failed is passed over");
            backend.close();
        }
    }
}
