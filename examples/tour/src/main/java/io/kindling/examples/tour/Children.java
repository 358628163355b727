package io.kindling.examples.tour;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tour's other nodes, each a JVM running {@link TourNode} on this JVM's module path. Closing ends them all:
 * their input closes (they stop cleanly), and whatever still runs after 10 s is killed.
 */
final class Children implements AutoCloseable {

    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final List<CompletableFuture<String>> ready = new ArrayList<>();

    /** Starts a node; its {@code READY} line completes a future that {@link #awaitReady} waits for. */
    void start(String name, String region, int epmdPort, String cookie) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djava.util.logging.config.file=/dev/null", "--module-path", System.getProperty("jdk.module.path"),
                "-m", "io.kindling.examples.tour/" + TourNode.class.getName(), name, region,
                Integer.toString(epmdPort)).redirectErrorStream(true);
        builder.environment().put("KINDLING_COOKIE", cookie);
        Process process = builder.start();
        processes.put(name, process);
        CompletableFuture<String> up = new CompletableFuture<>();
        ready.add(up);
        Thread.ofVirtual().name("tour-" + name).start(() -> {
            List<String> seen = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("READY ")) {
                        up.complete(line.substring(6));
                    } else {
                        seen.add(line);
                    }
                }
            } catch (IOException e) {
                // it ended
            }
            up.completeExceptionally(new IllegalStateException("node " + name + " ended before it was ready: "
                    + seen));
        });
    }

    /** Waits for every started node's READY line. */
    void awaitReady(Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the nodes were not ready within " + timeout.toSeconds() + " s");
        }
    }

    /** Kills a node as {@code kill -9} does, and waits until it is gone. */
    void kill(String name) throws InterruptedException {
        Process process = processes.remove(name);
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 10 s of SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes.values()) {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                process.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process process : processes.values()) {
            long left = deadline - System.nanoTime();
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        processes.clear();
    }
}
