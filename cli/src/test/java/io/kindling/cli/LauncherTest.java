package io.kindling.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real launcher, bin/kindling, as a user would. */
class LauncherTest {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpListsTheCommands() throws Exception {
        Result result = run("--help");
        assertEquals(0, result.exit, result.output());
        for (String command : List.of("node", "ping", "nodes", "names", "info", "observer")) {
            assertTrue(result.stdout.contains("  " + command + " "), command + " missing: " + result.output());
        }
    }

    @Test
    void pingAndNodesAgainstARunningNode() throws Exception {
        String first = startNode("cli-a@127.0.0.1");
        String second = startNode("cli-b@127.0.0.1", "--connect", first);

        Result ping = run("ping", first, "--cookie", "cli-cookie", "--count", "2");
        assertEquals(0, ping.exit, ping.output());
        assertTrue(ping.stdout.contains("pong from cli-a@127.0.0.1: round trip"), ping.output());

        Result nodes = runUntil("cli-b", "nodes", first, "--cookie", "cli-cookie");
        assertEquals(0, nodes.exit, nodes.output());
        assertTrue(nodes.stdout.lines().anyMatch(l -> l.startsWith("cli-b@127.0.0.1 ")), nodes.output());
        assertTrue(second.startsWith("cli-b@127.0.0.1:"));
    }

    @Test
    void failuresExitNonZeroWithTheReasonOnStderrOnce() throws Exception {
        String address = startNode("cli-c@127.0.0.1");
        Result wrongCookie = run("ping", address, "--cookie", "not-the-cookie");
        assertEquals(1, wrongCookie.exit, wrongCookie.output());
        assertEquals("", wrongCookie.stdout, "an error prints nothing on stdout");
        assertEquals(1, wrongCookie.stderr.lines().count(), "the reason once, no log lines: " + wrongCookie.stderr);
        assertTrue(wrongCookie.stderr.contains("refused this node's cookie"), wrongCookie.output());

        Result unreachable = run("ping", "nobody@127.0.0.1:1", "--cookie", "cli-cookie");
        assertEquals(1, unreachable.exit, unreachable.output());
        assertTrue(unreachable.stderr.contains("127.0.0.1:1") && unreachable.stderr.contains("refused"),
                unreachable.output());

        Result verbose = run("ping", address, "--cookie", "not-the-cookie", "-v");
        assertEquals(1, verbose.exit, verbose.output());
        assertTrue(verbose.stderr.lines().count() > 1, "-v adds the client node's log lines: " + verbose.stderr);
    }

    @Test
    void everyKindOfBadArgumentExitsTwo(@TempDir Path dir) throws Exception {
        String address = startNode("cli-u@127.0.0.1");
        List<String[]> bad = List.of(
                new String[] {"ping"},
                new String[] {"ping", address, "--no-such-option"},
                new String[] {"ping", "no-at-sign", "--cookie", "cli-cookie"},
                new String[] {"ping", "x@127.0.0.1:notaport", "--cookie", "cli-cookie"},
                new String[] {"ping", address, "--timeout", "soon"},
                new String[] {"ping", address, "--cookie", "cli-cookie", "--set", "kindling.heartbeat.timeout=abc"},
                new String[] {"ping", address, "--cookie-file", dir.resolve("missing").toString()},
                new String[] {"nodes", address, "--cookie", "cli-cookie", "--format", "xml"},
                new String[] {"node", "--name", "cli-v@127.0.0.1:4370"},
                new String[] {"node", "--name", "a", "--sname", "b"},
                new String[] {"node", "--name", "cli-w@127.0.0.1", "--cookie", "cli-cookie", "--strategy", "nope"},
                new String[] {"no-such-command"});
        for (String[] args : bad) {
            Result result = run(args);
            assertEquals(2, result.exit, String.join(" ", args) + ": " + result.output());
            assertEquals("", result.stdout, String.join(" ", args) + " printed on stdout");
            assertFalse(result.stderr.isBlank(), String.join(" ", args) + " said nothing");
        }
        Result badValue = run("ping", address, "--cookie", "cli-cookie", "--set", "kindling.heartbeat.timeout=abc");
        assertTrue(badValue.stderr.contains("--set kindling.heartbeat.timeout=abc"), badValue.stderr);
        Result missingFile = run("ping", address, "--cookie-file", dir.resolve("missing").toString());
        assertTrue(missingFile.stderr.contains("does not exist"), missingFile.stderr);
        assertFalse(Files.exists(dir.resolve("missing")), "a missing --cookie-file must not be created");
        Result port = run("node", "--name", "cli-v@127.0.0.1:4370");
        assertTrue(port.stderr.contains("node names have no port; use --port"), port.stderr);
        Result unknownPlugin = run("node", "--name", "cli-w@127.0.0.1", "--cookie", "cli-cookie", "--strategy",
                "nope");
        assertTrue(unknownPlugin.stderr.contains("nope") && unknownPlugin.stderr.contains("static"),
                unknownPlugin.stderr);

        Result typo = run("ping", address, "--cookie", "cli-cookie", "--set", "kindling.heartbeat.timout=3s");
        assertEquals(0, typo.exit, typo.output());
        assertTrue(typo.stderr.contains("kindling.heartbeat.timout") && typo.stderr.contains(
                "did you mean kindling.heartbeat.timeout?"), typo.stderr);
    }

    @Test
    void theDefaultCookieFileIsCreatedWithALogLineSayingWhere(@TempDir Path home) throws Exception {
        Result result = run(java.util.Map.of("JAVA_TOOL_OPTIONS", "-Duser.home=" + home), "ping",
                "nobody@127.0.0.1:1", "-v");
        Path cookie = home.resolve(".kindling").resolve("cookie");
        assertTrue(Files.isRegularFile(cookie), result.output());
        assertTrue(result.stderr.contains("Created the cookie file " + cookie), result.output());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cookie)));
    }

    @Test
    void timeoutBoundsTheWholeCommandEvenWhenTheSynIsDropped() throws Exception {
        // A listener whose accept queue is full drops further SYNs, as a firewall would.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket();
                    queued.add(socket);
                    try {
                        socket.connect(full.getLocalSocketAddress(), 300);
                    } catch (java.net.SocketTimeoutException e) {
                        break; // the queue is full: SYNs are dropped from here on
                    }
                }
                long started = System.nanoTime();
                Result result = run("ping", "dropped@127.0.0.1:" + full.getLocalPort(), "--cookie", "cli-cookie",
                        "--timeout", "1s");
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals(1, result.exit, result.output());
                assertTrue(result.stderr.contains("timed out"), result.stderr);
                // 1 s of waiting, plus the JVM's start and the cookie's key stretching; the default 5 s is far off
                assertTrue(elapsedMs < 4000, "ping --timeout 1s took " + elapsedMs + " ms");
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void targetsWithoutAPortAreLookedUpOnThePortMapperAndNamesListsThem() throws Exception {
        int epmdPort = freePort();
        String[] localEpmd = {"--strategy", "local-epmd", "--set", "kindling.strategy.epmd.port=" + epmdPort,
            "--set", "kindling.strategy.epmd.server-address=127.0.0.1"};
        String address = startNode("cli-m@127.0.0.1", localEpmd);
        String epmd = "--epmd-port=" + epmdPort;

        Result ping = run("ping", "cli-m@127.0.0.1", "--cookie", "cli-cookie", epmd);
        assertEquals(0, ping.exit, ping.output());
        assertTrue(ping.stdout.contains("pong from cli-m@127.0.0.1"), ping.output());
        assertEquals("", ping.stderr, "no log lines without -v");

        Result names = run("names", "127.0.0.1", epmd);
        assertEquals(0, names.exit, names.output());
        assertEquals("cli-m@127.0.0.1 " + address.substring(address.lastIndexOf(':') + 1), names.stdout.strip());
        Result namesJson = run("names", epmd, "--format", "json");
        assertEquals("[{\"node\":\"cli-m@127.0.0.1\",\"port\":" + address.substring(address.lastIndexOf(':') + 1)
                + "}]", namesJson.stdout.strip());

        Result nobody = run("ping", "cli-nobody@127.0.0.1", "--cookie", "cli-cookie", epmd);
        assertEquals(1, nobody.exit, nobody.output());
        assertTrue(nobody.stderr.contains("No node named 'cli-nobody'"), nobody.stderr);

        Result none = run("nodes", "cli-m@127.0.0.1", "--cookie", "cli-cookie", epmd);
        assertEquals(0, none.exit, none.output());
        assertEquals("", none.stdout, "a node with no other connections: nothing to print");
        Result noneJson = run("nodes", "cli-m@127.0.0.1", "--cookie", "cli-cookie", epmd, "--format", "json");
        assertEquals("[]", noneJson.stdout.strip());
    }

    @Test
    void infoTellsVersionsUptimeAndConnections() throws Exception {
        String first = startNode("cli-n@127.0.0.1", "--set", "kindling.app.version=7.1");
        startNode("cli-o@127.0.0.1", "--connect", first);
        Result info = runUntil("cli-o@127.0.0.1", "info", first, "--cookie", "cli-cookie");
        assertEquals(0, info.exit, info.output());
        assertTrue(info.stdout.contains("node         cli-n@127.0.0.1"), info.stdout);
        assertTrue(info.stdout.contains("app version  7.1"), info.stdout);
        assertTrue(info.stdout.lines().anyMatch(l -> l.startsWith("uptime ")), info.stdout);
        assertTrue(info.stdout.contains("connections  cli-o@127.0.0.1"), info.stdout);
        Result json = run("info", first, "--cookie", "cli-cookie", "--format", "json");
        assertTrue(json.stdout.startsWith("{\"node\":\"cli-n@127.0.0.1\",\"kindling_version\":"), json.stdout);
        assertTrue(json.stdout.contains("\"app_version\":\"7.1\""), json.stdout);
    }

    @Test
    void observerServesThePageAndTheClusterAsTheNodeSeesIt() throws Exception {
        String first = startNode("cli-obs1@127.0.0.1");
        startNode("cli-obs2@127.0.0.1", "--connect", first);
        List<String> command = new ArrayList<>(List.of(launcher(), "observer", first, "--cookie", "cli-cookie"));
        Process observer = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(observer);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(observer.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // ended
            }
        });
        String line = awaitLine(lines, "observer of cli-obs1@127.0.0.1 on http://127.0.0.1:");
        String url = line.substring(line.indexOf("http://"));
        String cluster = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cluster.contains("\"name\":\"cli-obs2@127.0.0.1\"") && System.nanoTime() < deadline) {
            try (var in = java.net.URI.create(url + "cluster").toURL().openStream()) {
                cluster = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                cluster = e.toString(); // no view yet
            }
        }
        assertTrue(cluster.contains("\"root\":\"cli-obs1@127.0.0.1\"") && cluster.contains("cli-obs2@127.0.0.1"),
                cluster);
        assertFalse(cluster.contains("kindling-cli-"), "the observer's own client node is left out: " + cluster);
        try (var in = java.net.URI.create(url).toURL().openStream()) {
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("<title>Kindling observer"));
        }
        observer.destroy();
        assertTrue(observer.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, observer.exitValue());
    }

    @Test
    void nameAndSnameAsErlBuildsThem() throws Exception {
        String withHost = startNode(null, "--name", "cli-p", "--host", "127.0.0.1");
        assertTrue(withHost.startsWith("cli-p@127.0.0.1:"), withHost);
        String shortHost = InetAddress.getLocalHost().getHostName();
        shortHost = shortHost.contains(".") ? shortHost.substring(0, shortHost.indexOf('.')) : shortHost;
        String sname = startNode(null, "--sname", "cli-q");
        assertTrue(sname.startsWith("cli-q@" + shortHost + ":"), sname + " is not on " + shortHost);
    }

    @Test
    void readyOnlyWhenEverythingIsUpAndSigtermExitsZero() throws Exception {
        Result failed = run("node", "--name", "cli-r@127.0.0.1", "--cookie", "cli-cookie", "--connect",
                "nobody@127.0.0.1:1");
        assertEquals(1, failed.exit, failed.output());
        assertFalse(failed.stdout.contains("ready"), failed.output());
        assertTrue(failed.stderr.contains("127.0.0.1:1"), failed.output());

        startNode("cli-s@127.0.0.1");
        Process node = started.get(started.size() - 1);
        node.destroy(); // SIGTERM
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "kindling node did not stop on SIGTERM");
        assertEquals(0, node.exitValue(), "kindling node exits 0 after a clean shutdown on SIGTERM");
    }

    @Test
    void nodeWithAStrategyFormsAClusterAndPrintsItsEvents() throws Exception {
        String first = startNode("cli-d@127.0.0.1");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        startNode("cli-e@127.0.0.1", lines, "--strategy", "static", "--set",
                "kindling.strategy.static.nodes=" + first + ",cli-gone@127.0.0.1:1");
        List<String> seen = awaitLines(lines, "node up: cli-d@127.0.0.1",
                "cluster default refreshed: partial, 1 nodes [cli-d@127.0.0.1]");
        String refreshed = seen.get(1);
        assertTrue(refreshed.contains("cli-gone@127.0.0.1:1") && refreshed.contains("refused"), refreshed);
    }

    @Test
    void theLauncherFindsThePluginStrategiesOnTheModulePath() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String[] localEpmd = {"--strategy", "local-epmd", "--set", "kindling.strategy.epmd.port=" + port, "--set",
            "kindling.strategy.epmd.server-address=127.0.0.1"};
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        startNode("cli-g@127.0.0.1", first, localEpmd);
        startNode("cli-h@127.0.0.1", second, localEpmd);
        awaitLine(first, "node up: cli-h@127.0.0.1");
        awaitLine(second, "node up: cli-g@127.0.0.1");
    }

    @Test
    void jgroupsLoadsAsAnAutomaticModuleOnTheModulePath() throws Exception {
        int base;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            base = probe.getLocalPort();
        }
        String[] jgroups = {"--strategy", "jgroups", "--set", "kindling.strategy.jgroups.cluster=cli-test-"
            + ProcessHandle.current().pid(), "--set", "kindling.strategy.jgroups.bind-port=" + base, "--set",
            "kindling.strategy.jgroups.port-range=3", "--set", "kindling.cluster.poll-interval=30s"};
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        startNode("cli-j@127.0.0.1", first, jgroups);
        startNode("cli-k@127.0.0.1", second, jgroups);
        awaitLine(first, "node up: cli-k@127.0.0.1");
        awaitLine(second, "node up: cli-j@127.0.0.1");
    }

    @Test
    void pingOverTlsTakesTheSameSettingsAsANode(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Authority ca = pki.authority("cli-ca");
        String address = startNode("cli-t@127.0.0.1", tls(pki.node("cli-t", ca, "ip:127.0.0.1", null, 2), ca));
        List<String> ping = new ArrayList<>(List.of("ping", address, "--cookie", "cli-cookie"));
        ping.addAll(List.of(tls(pki.node("cli-ping", ca, "ip:127.0.0.1", null, 2), ca)));
        Result overTls = run(ping.toArray(new String[0]));
        assertEquals(0, overTls.exit, overTls.output());
        assertTrue(overTls.stdout.contains("pong from cli-t@127.0.0.1"), overTls.output());

        Result plain = run("ping", address, "--cookie", "cli-cookie");
        assertEquals(1, plain.exit, plain.output());
        assertTrue(plain.stderr.contains("set kindling.transport=tls on this node too"), plain.output());
    }

    private static String[] tls(TestPki.NodeCertificate certificate, TestPki.Authority ca) {
        return new String[] {"--set", "kindling.transport=tls",
            "--set", "kindling.transport.tls.certificate=" + certificate.certificatePem(),
            "--set", "kindling.transport.tls.private-key=" + certificate.privateKeyPem(),
            "--set", "kindling.transport.tls.trust-certificates=" + ca.certificate()};
    }

    /** Starts {@code kindling node} and returns its address once it prints it. */
    private String startNode(String name, String... extra) throws Exception {
        return startNode(name, new LinkedBlockingQueue<>(), extra);
    }

    /** Starts {@code kindling node}, feeding its output lines to {@code lines}; returns its address. */
    private String startNode(String name, BlockingQueue<String> lines, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher(), "node", "--cookie", "cli-cookie"));
        if (name != null) {
            command.addAll(List.of("--name", name));
        }
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // ended
            }
        });
        String line = awaitLine(lines, "node ");
        if (!line.endsWith(" ready")) {
            throw new AssertionError("kindling node " + name + " printed " + line + " instead of its address");
        }
        return line.substring(5, line.length() - 6);
    }

    /** Takes lines until, for each prefix, one starting with it came (in any order), within 30 s. */
    private static List<String> awaitLines(BlockingQueue<String> lines, String... prefixes)
            throws InterruptedException {
        String[] found = new String[prefixes.length];
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (java.util.Arrays.stream(found).anyMatch(java.util.Objects::isNull)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not all of " + List.of(prefixes) + " within 30 s; got " + seen);
            }
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                for (int i = 0; i < prefixes.length; i++) {
                    if (found[i] == null && line.startsWith(prefixes[i])) {
                        found[i] = line;
                    }
                }
            }
        }
        return List.of(found);
    }

    /** Takes lines until one starts with the prefix, within 30 s. */
    private static String awaitLine(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                seen.add(line);
            }
        }
        throw new AssertionError("No line starting with '" + prefix + "' within 30 s; got " + seen);
    }

    /** Retries a command until its output contains the text, for state that settles asynchronously. */
    private Result runUntil(String text, String... args) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Result result;
        do {
            result = run(args);
        } while (!result.stdout.contains(text) && System.nanoTime() < deadline);
        return result;
    }

    /** Runs the launcher to its end (at most 60 s), its stdout and stderr kept apart. */
    private Result run(String... args) throws Exception {
        return run(java.util.Map.of(), args);
    }

    /** Runs the launcher with more environment variables. */
    private Result run(java.util.Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kindling-cli-out", ".txt");
        Path err = Files.createTempFile("kindling-cli-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("KINDLING_COOKIE");
            builder.environment().putAll(environment);
            Process process = builder.start();
            started.add(process);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kindling " + String.join(" ", args) + " hung");
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static String launcher() {
        String launcher = System.getProperty("kindling.launcher");
        if (launcher == null) {
            throw new IllegalStateException("System property kindling.launcher is not set: run through Maven");
        }
        return launcher;
    }

    private record Result(int exit, String stdout, String stderr) {
        /** Both streams, for failure messages. */
        String output() {
            return "stdout:\n" + stdout + "stderr:\n" + stderr;
        }
    }
}
