package io.kindling.backend.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeAddress;
import io.kindling.api.PoolTimeoutException;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RunnerLostException;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.Runner;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pools whose runners are real child JVMs. */
class PeerBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private KindlingNode parent;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startParent() {
        parent = KindlingNode.builder().name("peer-parent@127.0.0.1").cookie("peer-test").start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        parent.close();
        // Every runner process is gone once its pool is shut down.
        awaitTrue("no child JVM left", () -> ProcessHandle.current().children()
                .noneMatch(p -> p.info().command().orElse("").endsWith("java")));
    }

    private Pool start(Pool.Builder builder) {
        Pool pool = builder.start();
        open.add(pool);
        return pool;
    }

    private Pool.Builder peerPool(String name) {
        return Pool.builder(parent).name(name).backend("peer").bootTimeout(Duration.ofSeconds(30));
    }

    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @Test
    void callsRunInAChildJvmThatKnowsItsParentAndInheritsNoEnvironment() {
        Pool pool = start(peerPool("env").max(1).env("KINDLING_TEST_ENV", "42"));
        long childPid = pool.call(() -> ProcessHandle.current().pid());
        assertNotEquals(ProcessHandle.current().pid(), childPid);
        assertEquals(parent.name(), pool.call(() -> Runner.parent().orElseThrow()));
        assertEquals("42", pool.call(() -> System.getenv("KINDLING_TEST_ENV")), "listed: passed");
        assertTrue(System.getenv("PATH") != null, "the test JVM has a PATH");
        assertNull(pool.call(() -> System.getenv("PATH")), "not listed: not inherited");
        RemoteExecutionException failed = assertThrows(RemoteExecutionException.class, () -> pool.call(() -> {
            throw new IllegalArgumentException("from the child");
        }));
        assertInstanceOf(IllegalArgumentException.class, failed.getCause());
    }

    @Test
    void killingARunnerMidCallFailsTheCallAtOnceAndTheRunnerIsReplaced() throws Exception {
        Pool pool = start(peerPool("kill").min(1).max(1));
        CompletableFuture<Object> victim = pool.callAsync(() -> {
            Thread.sleep(60_000);
            return "never";
        }, Duration.ofSeconds(60));
        long pid = pool.call(() -> ProcessHandle.current().pid());
        long killed = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
        ExecutionException failed = assertThrows(ExecutionException.class, () -> victim.get(10, TimeUnit.SECONDS));
        long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        RunnerLostException lost = assertInstanceOf(RunnerLostException.class, failed.getCause());
        assertEquals(137, lost.exitCode().orElseThrow(), lost.getMessage());
        assertTrue(failedAfterMillis < 1000, "the call failed " + failedAfterMillis + " ms after the kill");
        long replacement = pool.call(() -> ProcessHandle.current().pid(), Duration.ofSeconds(60));
        assertNotEquals(pid, replacement);
    }

    @Test
    void aRunnerThatNeverGetsReadyIsKilledAtTheBootTimeoutWithItsPhaseAndOutput() throws Exception {
        Backend peer = new PeerBackendProvider().create(io.kindling.api.Config.empty());
        List<RunnerHandle> booted = new CopyOnWriteArrayList<>();
        Backend unreachableParent = new Backend() {
            @Override
            public RunnerHandle boot(RunnerSpec spec) throws Exception {
                RunnerSpec lost = new RunnerSpec(spec.runnerName(), new NodeAddress(spec.parent().name(),
                        "127.0.0.1", 1), spec.cookie(), spec.poolName(), spec.env(), Duration.ofSeconds(60),
                        spec.extensions(), spec.idleTimeout());
                RunnerHandle handle = peer.boot(lost);
                booted.add(handle);
                return handle;
            }

            @Override
            public void close() {
                peer.close();
            }
        };
        Pool pool = start(Pool.builder(parent).name("stuck").max(1).backend(unreachableParent)
                .bootTimeout(Duration.ofSeconds(3)));
        PoolTimeoutException timeout = assertThrows(PoolTimeoutException.class,
                () -> pool.call(() -> "never", Duration.ofSeconds(5)));
        assertEquals(PoolTimeoutException.Phase.BOOTING, timeout.phase());
        String message = timeout.getMessage();
        assertTrue(message.contains("did not connect within the boot timeout of 3000 ms")
                && message.contains("it reached phase: node and extensions started")
                && message.contains("kindling-runner: phase started"), message);
        RunnerHandle first = booted.getFirst();
        first.onExit().get(20, TimeUnit.SECONDS); // killed, not left running
    }

    @Test
    void anExtensionThatFailsToStartFailsTheBootWithItsError() {
        Pool pool = start(peerPool("broken").max(1).extensions(List.of("broken")));
        PoolTimeoutException timeout = assertThrows(PoolTimeoutException.class,
                () -> pool.call(() -> "never", Duration.ofSeconds(5)));
        assertTrue(timeout.getMessage().contains("the broken extension fails on purpose")
                && timeout.getMessage().contains("exited with code 3"), timeout.getMessage());
    }

    @Test
    void theRunnersOutputGoesToTheParentsLogWithItsName() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.kindling.backend.peer.runner");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            Pool pool = start(peerPool("out").max(1));
            pool.call(() -> {
                System.out.println("hello from the runner");
                System.err.println("and its stderr");
                return null;
            });
            awaitTrue("both lines logged", () -> logged.stream().anyMatch(l -> l.matches(
                    "\\[out-runner-.*\\] hello from the runner")) && logged.stream().anyMatch(l -> l.matches(
                    "\\[out-runner-.*\\] and its stderr")));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void killingTheParentJvmLeavesNoRunnerBehind() throws Exception {
        Process parentProcess = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("kindling.test.classpath").replace(File.pathSeparator
                + File.pathSeparator, File.pathSeparator), ParentMain.class.getName()).redirectErrorStream(true)
                .start();
        List<Long> children = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parentProcess.getInputStream(),
                    StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        if (l.startsWith("CHILDREN ")) {
                            return l;
                        }
                    }
                    return "parent exited";
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            String pids = line.get(60, TimeUnit.SECONDS);
            assertTrue(pids.startsWith("CHILDREN "), pids);
            Arrays.stream(pids.substring(9).trim().split(" ")).map(Long::parseLong).forEach(children::add);
            assertEquals(2, children.size());
            children.forEach(pid -> assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

            parentProcess.destroyForcibly(); // kill -9
            assertTrue(parentProcess.waitFor(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (children.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false))) {
                assertTrue(System.nanoTime() < deadline, "a runner outlived its parent by 5 s: " + children);
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } finally {
            parentProcess.destroyForcibly();
            children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
