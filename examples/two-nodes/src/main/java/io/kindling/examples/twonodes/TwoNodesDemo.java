package io.kindling.examples.twonodes;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts a second JVM running {@link Responder}, connects to it, calls it, and prints the round trips.
 *
 * <p>Both JVMs use one random cookie, handed to the child in its environment ({@code KINDLING_COOKIE}).
 */
public final class TwoNodesDemo {

    private TwoNodesDemo() {
    }

    public static void main(String[] args) throws Exception {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String cookie = HexFormat.of().formatHex(secret);

        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "--module-path", System.getProperty("jdk.module.path"),
                "-m", "io.kindling.examples.twonodes/" + Responder.class.getName());
        builder.environment().clear();
        builder.environment().put("KINDLING_COOKIE", cookie);
        builder.environment().put("KINDLING_NODE_NAME", "responder@127.0.0.1");
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = builder.start();
        try (Node caller = KindlingNode.builder().name("caller@127.0.0.1").cookie(cookie).start()) {
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = childOut.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new IllegalStateException("The responder JVM did not start (it printed: " + ready + ")");
            }
            NodeAddress address = NodeAddress.of(NodeName.parse("responder@127.0.0.1"),
                    Integer.parseInt(ready.substring(6).trim()));
            System.out.println("caller    " + caller.address() + " in JVM pid " + ProcessHandle.current().pid());
            System.out.println("responder " + address + " in JVM pid " + child.pid());

            long started = System.nanoTime();
            NodeName responder = caller.connect(address);
            System.out.printf(Locale.ROOT, "connected and authenticated in %.1f ms%n", millis(started));

            started = System.nanoTime();
            String answer = caller.call(responder, () -> "hello from pid " + ProcessHandle.current().pid()
                    + " on " + KindlingNode.current().orElseThrow().name(), Duration.ofSeconds(5));
            System.out.printf(Locale.ROOT, "first call: \"%s\" in %.2f ms (includes class loading)%n", answer,
                    millis(started));

            int calls = 2000;
            long[] micros = new long[calls];
            for (int i = 0; i < calls; i++) {
                int n = i;
                long t = System.nanoTime();
                int doubled = caller.call(responder, () -> n * 2, Duration.ofSeconds(5));
                micros[i] = (System.nanoTime() - t) / 1000;
                if (doubled != n * 2) {
                    throw new IllegalStateException("wrong answer " + doubled + " for " + n);
                }
            }
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "%d more calls: round trip p50 %d us, p99 %d us%n", calls,
                    micros[calls / 2], micros[calls * 99 / 100]);
        } finally {
            child.getOutputStream().close(); // the responder exits when its standard input ends
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static double millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }
}
