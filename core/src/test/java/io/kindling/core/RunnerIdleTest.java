package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.internal.pool.RunnerNode;
import io.kindling.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A runner's own idle watchdog: it stops itself when no task ran for its idle timeout, never while one runs. */
class RunnerIdleTest {

    @Test
    void aRunnerStopsItselfWhenIdleButNotWhileATaskRuns() throws Exception {
        try (KindlingNode parent = KindlingNode.builder().name("idle-parent@127.0.0.1").cookie("idle").start()) {
            RunnerSpec spec = new RunnerSpec(io.kindling.api.NodeName.parse("idle-runner@127.0.0.1"),
                    parent.address(), "idle", "idle-pool", Map.of(), Duration.ofSeconds(10), List.of(),
                    Duration.ofMillis(500));
            CompletableFuture<String> stopped = new CompletableFuture<>();
            KindlingNode runner = RunnerNode.start(spec, null, stopped::complete);
            Await.until("connected", Duration.ofSeconds(10),
                    () -> parent.connectedNodes().contains(runner.name()));

            // A task longer than the idle timeout keeps it alive; only the time after it counts.
            long started = System.nanoTime();
            parent.call(runner.name(), () -> {
                Thread.sleep(1200);
                return null;
            }, Duration.ofSeconds(10));
            assertFalse(stopped.isDone(), "stopped while a task ran");
            assertEquals("idle for 500 ms", stopped.get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(1200 + 500));
            assertTrue(runner.isClosed());
            Await.until("the parent saw it go", Duration.ofSeconds(10),
                    () -> !parent.connectedNodes().contains(runner.name()));
        }
    }

    @Test
    void aZeroIdleTimeoutMeansNever() throws Exception {
        try (KindlingNode parent = KindlingNode.builder().name("keep-parent@127.0.0.1").cookie("idle").start()) {
            RunnerSpec spec = new RunnerSpec(io.kindling.api.NodeName.parse("keep-runner@127.0.0.1"),
                    parent.address(), "idle", "keep-pool", Map.of(), Duration.ofSeconds(10), List.of(), Duration.ZERO);
            CompletableFuture<String> stopped = new CompletableFuture<>();
            KindlingNode runner = RunnerNode.start(spec, null, stopped::complete);
            try {
                // A negative check over a bounded window: nothing may stop it.
                assertThrows(() -> stopped.get(1500, TimeUnit.MILLISECONDS));
                assertFalse(runner.isClosed());
            } finally {
                runner.close();
            }
        }
    }

    private static void assertThrows(org.junit.jupiter.api.function.Executable executable) {
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class, executable);
    }
}
