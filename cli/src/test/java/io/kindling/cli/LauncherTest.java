package io.kindling.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("node") && result.output.contains("ping")
                && result.output.contains("nodes"), result.output);
    }

    @Test
    void pingAndNodesAgainstARunningNode() throws Exception {
        String first = startNode("cli-a@127.0.0.1");
        String second = startNode("cli-b@127.0.0.1", "--connect", first);

        Result ping = run("ping", first, "--cookie", "cli-cookie", "--count", "2");
        assertEquals(0, ping.exit, ping.output);
        assertTrue(ping.output.contains("pong from cli-a@127.0.0.1: round trip"), ping.output);

        Result nodes = runUntil("cli-b", "nodes", first, "--cookie", "cli-cookie");
        assertEquals(0, nodes.exit, nodes.output);
        assertTrue(nodes.output.lines().anyMatch(l -> l.startsWith("cli-b@127.0.0.1 ")), nodes.output);
        assertTrue(second.startsWith("cli-b@127.0.0.1:"));
    }

    @Test
    void failuresExitNonZeroWithTheReason() throws Exception {
        String address = startNode("cli-c@127.0.0.1");
        Result wrongCookie = run("ping", address, "--cookie", "not-the-cookie");
        assertEquals(1, wrongCookie.exit, wrongCookie.output);
        assertTrue(wrongCookie.output.contains("refused this node's cookie"), wrongCookie.output);

        Result unreachable = run("ping", "nobody@127.0.0.1:1", "--cookie", "cli-cookie");
        assertEquals(1, unreachable.exit, unreachable.output);
        assertTrue(unreachable.output.contains("127.0.0.1:1") && unreachable.output.contains("refused"),
                unreachable.output);

        Result badUsage = run("ping", "no-port@127.0.0.1");
        assertEquals(2, badUsage.exit, badUsage.output);
        assertTrue(badUsage.output.contains("has no port"), badUsage.output);
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

        Result unknown = run("node", "--name", "cli-f@127.0.0.1", "--cookie", "cli-cookie", "--strategy",
                "no-such-strategy");
        assertEquals(1, unknown.exit, unknown.output);
        assertTrue(unknown.output.contains("no-such-strategy") && unknown.output.contains("static"),
                unknown.output);
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
        assertEquals(0, overTls.exit, overTls.output);
        assertTrue(overTls.output.contains("pong from cli-t@127.0.0.1"), overTls.output);

        Result plain = run("ping", address, "--cookie", "cli-cookie");
        assertEquals(1, plain.exit, plain.output);
        assertTrue(plain.output.contains("set kindling.transport=tls on this node too"), plain.output);
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
        List<String> command = new ArrayList<>(List.of(launcher(), "node", "--name", name, "--cookie",
                "cli-cookie"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
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
        } while (!result.output.contains(text) && System.nanoTime() < deadline);
        return result;
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kindling " + String.join(" ", args) + " hung");
        return new Result(process.exitValue(), output);
    }

    private static String launcher() {
        String launcher = System.getProperty("kindling.launcher");
        if (launcher == null) {
            throw new IllegalStateException("System property kindling.launcher is not set: run through Maven");
        }
        return launcher;
    }

    private record Result(int exit, String output) {
    }
}
