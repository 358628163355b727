package io.kindling.strategy.epmd;

import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Requires;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Erlang/OTP's own programs, as the tests run them: the real {@code epmd} and {@code erl}. */
final class ErlangTools {

    private ErlangTools() {
    }

    static String executable(String name) {
        return Requires.executable(name, "erlang-base").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts the real epmd on a free loopback port and waits until it answers. */
    static ChildProcess startEpmd(int port) throws Exception {
        ChildProcess epmd = ChildProcess.start("epmd", List.of(executable("epmd"), "-port", Integer.toString(port),
                "-address", "127.0.0.1"), Map.of());
        EpmdClient client = new EpmdClient("127.0.0.1", port, Duration.ofSeconds(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!client.isReachable()) {
            if (!epmd.process().isAlive() || System.nanoTime() > deadline) {
                epmd.kill();
                throw new AssertionError("epmd did not start on port " + port + ": " + epmd.output());
            }
            Thread.sleep(10);
        }
        return epmd;
    }

    /** {@code epmd -port P -names}, the real client, and its output. */
    static String epmdNames(int port) throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("epmd-names", ".log");
        try {
            Process names = new ProcessBuilder(executable("epmd"), "-port", Integer.toString(port), "-names")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!names.waitFor(20, TimeUnit.SECONDS)) {
                names.destroyForcibly();
                throw new AssertionError("epmd -names hung: " + java.nio.file.Files.readString(log));
            }
            return java.nio.file.Files.readString(log);
        } finally {
            java.nio.file.Files.deleteIfExists(log);
        }
    }

    /**
     * Starts {@code erl -name NAME} against the port mapper on the port, never starting an epmd of its own; it
     * evaluates {@code eval} and then stays up.
     */
    static ChildProcess startErl(String name, int epmdPort, String eval) throws IOException {
        return ChildProcess.start("erl " + name, List.of(executable("erl"), "-noshell", "-start_epmd", "false",
                "-name", name, "-setcookie", "erlang-cookie", "-eval", eval),
                Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort)));
    }
}
