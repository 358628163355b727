package io.kindling.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KV example's releases {@code foo} and {@code bar}, built by {@code kindling-maven-plugin} in this build, run as
 * a user would: from a clean environment ({@code env -i}, a minimal {@code PATH}, no {@code JAVA_HOME}), as daemons.
 */
class ReleaseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Path> started = new ArrayList<>();

    private static Path release(String name) {
        return Path.of(System.getProperty("kindling.release.dir"), name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs {@code bin/<name> <command>} in a clean environment; returns exit status and output. */
    private static String[] bin(String name, int kvPort, int epmdPort, String... command) throws Exception {
        return bin(List.of(), name, kvPort, epmdPort, command);
    }

    private static String[] bin(List<String> environment, String name, int kvPort, int epmdPort, String... command)
            throws Exception {
        List<String> line = cleanEnvironment(kvPort, epmdPort);
        line.add("KINDLING_STRATEGY_EPMD_SERVER_ADDRESS=127.0.0.1");
        line.addAll(environment);
        line.add(release(name).resolve("bin").resolve(name).toString());
        line.addAll(List.of(command));
        return run(line, "");
    }

    /** Runs a command with the given standard input; returns exit status and output (both streams). */
    private static String[] run(List<String> line, String input) throws Exception {
        Path output = Files.createTempFile("release", ".out");
        Path stdin = Files.createTempFile("release", ".in");
        Files.writeString(stdin, input);
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(stdin.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", line) + " hung");
            }
            return new String[] {String.valueOf(process.exitValue()), Files.readString(output).trim()};
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(stdin);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Path root : started) {
            String name = root.getFileName().toString();
            for (String file : List.of(name + ".heart.pid", name + ".pid")) { // the watchdog first
                Path pid = root.resolve("tmp").resolve(file);
                if (Files.exists(pid) && !Files.readString(pid).isBlank()) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                            .ifPresent(ProcessHandle::destroyForcibly);
                }
                Files.deleteIfExists(pid);
            }
        }
    }

    private static boolean alive(String pid) {
        return ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean answers(int port) {
        try (KvClient client = new KvClient(port)) {
            return client.request("CREATE apples").equals("OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code env -i} with a minimal {@code PATH}, no {@code JAVA_HOME}, and the test's ports. */
    private static List<String> cleanEnvironment(int kvPort, int epmdPort) {
        return new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "HOME=" + System.getProperty(
                "java.io.tmpdir"), "KV_PORT=" + kvPort, "KINDLING_STRATEGY_EPMD_PORT=" + epmdPort));
    }

    /** A clean environment in which the release keeps every bucket, then {@code extra} (more variables, a command). */
    private static List<String> clean(String name, int kvPort, int epmdPort, String... extra) {
        List<String> line = cleanEnvironment(kvPort, epmdPort);
        line.add("KV_ROUTING_TABLE=a-z:" + name + "@127.0.0.1");
        line.addAll(List.of(extra));
        return line;
    }

    @Test
    void rpcRemoteAndEvalRunJavaInsideAndBesideTheNode() throws Exception {
        int epmd = freePort();
        int port = freePort();
        started.add(release("foo"));
        String bin = release("foo").resolve("bin").resolve("foo").toString();
        List<String> daemon = clean("foo", port, epmd, bin, "daemon");
        assertEquals("0", run(daemon, "")[0]);
        Await.until("foo to answer", WAIT, () -> answers(port));
        try (KvClient client = new KvClient(port)) {
            assertEquals("OK", client.request("PUT apples kind gala"));
        }
        String[] rpc = run(clean("foo", port, epmd, bin, "rpc",
                "io.kindling.examples.kv.Buckets.of(node.name()).get(\"apples\", \"kind\").orElseThrow() + \" on \""
                        + " + node.name() + \" pid \" + ProcessHandle.current().pid()"), "");
        String pid = bin("foo", port, epmd, "pid")[1];
        assertEquals("0", rpc[0], rpc[1]);
        assertEquals("\"gala on foo@127.0.0.1 pid " + pid + "\"", rpc[1], "computed inside the running node");

        String[] remote = run(clean("foo", port, epmd, bin, "remote"), "int a = 20;\na + 22\n");
        assertEquals("0", remote[0], remote[1]);
        assertEquals(List.of("20", "42"), remote[1].lines().toList(), "the second snippet saw the first's variable");

        String[] broken = run(clean("foo", port, epmd, bin, "rpc", "1 +"), "");
        assertEquals("1", broken[0]);
        assertTrue(broken[1].startsWith("error: does not compile:"), broken[1]);

        String[] wrongCookie = run(clean("foo", port, epmd, "KINDLING_COOKIE=not-the-release-cookie-at-all", bin,
                "rpc", "1"), "");
        assertEquals("1", wrongCookie[0]);
        assertTrue(wrongCookie[1].contains("Wrong cookie for node foo@127.0.0.1"), wrongCookie[1]);

        String[] eval = run(clean("foo", port, epmd, bin, "eval",
                "(node == null ? \"no node\" : \"a node\") + \" \" + io.kindling.examples.kv.RoutingTable.parse("
                        + "\"a-z:x@127.0.0.1\").route(\"apples\")"), "");
        assertEquals("0", eval[0], eval[1]);
        assertEquals("\"no node x@127.0.0.1\"", eval[1], "the application's classes, no node started");

        assertEquals("0", bin("foo", port, epmd, "stop")[0]);
        String[] notRunning = run(clean("foo", port, epmd, bin, "rpc", "1"), "");
        assertEquals("1", notRunning[0]);
        assertTrue(notRunning[1].contains("The node is not running: foo@127.0.0.1") && notRunning[1].contains(
                "foo.node"), notRunning[1]);
    }

    @Test
    void heartRestartsAKilledNodeAndStopIsNotUndone() throws Exception {
        int epmd = freePort();
        int port = freePort();
        List<String> heart = List.of("KINDLING_HEART=1", "KINDLING_HEART_TIMEOUT=3",
                "KV_ROUTING_TABLE=a-z:foo@127.0.0.1");
        started.add(release("foo"));
        String[] daemon = bin(heart, "foo", port, epmd, "daemon");
        assertEquals("0", daemon[0], daemon[1]);
        Await.until("foo to answer", WAIT, () -> answers(port));
        String first = bin("foo", port, epmd, "pid")[1];
        ProcessHandle.of(Long.parseLong(first)).orElseThrow().destroyForcibly(); // kill -9
        Await.until("heart to start foo again", WAIT, () -> {
            try {
                String now = bin("foo", port, epmd, "pid")[1];
                return now.matches("\\d+") && !now.equals(first) && alive(now);
            } catch (Exception e) {
                return false;
            }
        });
        Await.until("the restarted foo to answer", WAIT, () -> answers(port));
        String hung = bin("foo", port, epmd, "pid")[1];
        new ProcessBuilder("kill", "-STOP", hung).start().waitFor(10, TimeUnit.SECONDS); // alive, but not answering
        Await.until("heart to replace the node that stopped answering", WAIT, () -> {
            try {
                String now = bin("foo", port, epmd, "pid")[1];
                return now.matches("\\d+") && !now.equals(hung) && alive(now) && answers(port);
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(alive(hung), "the hung node was killed");
        String second = bin("foo", port, epmd, "pid")[1];
        String watchdog = Files.readString(release("foo").resolve("tmp").resolve("foo.heart.pid")).trim();
        String[] stopped = bin(heart, "foo", port, epmd, "stop");
        assertEquals("0", stopped[0], stopped[1]);
        assertFalse(alive(second), "foo stopped");
        assertFalse(alive(watchdog), "the watchdog ended with it, so nothing starts foo again");
        assertFalse(answers(port));
        String log = Files.readString(release("foo").resolve("log").resolve("foo.log"));
        assertTrue(log.contains("heart: foo (pid " + first + ") exited; starting it again"), log);
        assertTrue(log.contains("heart: foo (pid " + hung + ") has not answered for"), log);
    }

    @Test
    void fooAndBarRunAsDaemonsServeTheStoreAndStopCleanly() throws Exception {
        int epmd = freePort();
        int fooPort = freePort();
        int barPort = freePort();
        assertEquals("foo 0.1.0-SNAPSHOT", bin("foo", fooPort, epmd, "version")[1]);
        started.add(release("foo"));
        started.add(release("bar"));
        String[] foo = bin("foo", fooPort, epmd, "daemon");
        assertEquals("0", foo[0], foo[1]);
        String[] bar = bin("bar", barPort, epmd, "daemon");
        assertEquals("0", bar[0], bar[1]);
        String fooPid = bin("foo", fooPort, epmd, "pid")[1];
        assertTrue(ProcessHandle.of(Long.parseLong(fooPid)).map(ProcessHandle::isAlive).orElse(false), fooPid);

        Await.until("foo to serve a bucket of bar's", WAIT, () -> {
            try (KvClient client = new KvClient(fooPort)) {
                return client.request("CREATE shopping").equals("OK");
            } catch (IOException e) {
                return false;
            }
        });
        try (KvClient onFoo = new KvClient(fooPort)) {
            assertEquals("OK", onFoo.request("PUT shopping milk 3"));
            assertEquals("3\nOK", onFoo.request("GET shopping milk"));
        }
        String onBar = run(clean("bar", barPort, epmd, release("bar").resolve("bin").resolve("bar").toString(), "rpc",
                "io.kindling.examples.kv.Buckets.of(node.name()).get(\"shopping\", \"milk\").orElseThrow()"), "")[1];
        assertEquals("\"3\"", onBar, "the bucket lives on bar");
        assertFalse(answers(barPort), "bar runs no text server");

        String[] stopped = bin("foo", fooPort, epmd, "stop");
        assertEquals("0", stopped[0], stopped[1]);
        assertFalse(ProcessHandle.of(Long.parseLong(fooPid)).map(ProcessHandle::isAlive).orElse(false),
                "no foo process left");
        String[] notRunning = bin("foo", fooPort, epmd, "pid");
        assertEquals("1", notRunning[0]);
        assertTrue(notRunning[1].contains("foo is not running"), notRunning[1]);
        assertEquals("0", bin("bar", barPort, epmd, "stop")[0]);
        String log = Files.readString(release("foo").resolve("log").resolve("foo.log"));
        assertTrue(log.contains("READY kv=" + fooPort), log);
        assertTrue(log.contains("UP shell-"), "stop asked the node through a cookie-authenticated connection: " + log);
    }

    @Test
    void aReleaseOnTheClassPathRunsAndAnswersRpc() throws Exception {
        int epmd = freePort();
        int port = freePort();
        started.add(release("kvcp"));
        String bin = release("kvcp").resolve("bin").resolve("kvcp").toString();
        assertEquals("0", run(clean("kvcp", port, epmd, bin, "daemon"), "")[0]);
        Await.until("kvcp to answer", WAIT, () -> answers(port));
        String[] rpc = run(clean("kvcp", port, epmd, bin, "rpc",
                "node.name() + \" \" + io.kindling.examples.kv.KvMain.class.getModule().isNamed()"), "");
        assertEquals("0", rpc[0], rpc[1]);
        assertEquals("\"kvcp@127.0.0.1 false\"", rpc[1], "the application runs on the class path");
        assertEquals("0", run(clean("kvcp", port, epmd, bin, "stop"), "")[0]);
    }

    @Test
    void theReleaseCarriesItsOwnJava() throws Exception {
        Path java = release("foo").resolve("runtime").resolve("bin").resolve("java");
        assertTrue(Files.isExecutable(java), java + " exists");
        Path lib = release("foo").resolve("lib");
        try (var jars = Files.list(lib)) {
            List<String> names = jars.map(jar -> jar.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("kindling-strategy-epmd")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("kindling-example-kv")), names.toString());
        }
    }
}
