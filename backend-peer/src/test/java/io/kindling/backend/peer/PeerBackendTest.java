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
import io.kindling.core.pool.PoolBuilder;
import io.kindling.core.pool.Runner;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pools whose runners are real child JVMs. */
class PeerBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final Closer closer = new Closer();
    private KindlingNode parent;

    @BeforeEach
    void startParent() {
        // Closed last, after the pools and the parent: every runner process is gone once its pool is shut down.
        closer.add(() -> Await.until("no child JVM left", WAIT, () -> ProcessHandle.current().children()
                .noneMatch(p -> p.info().command().orElse("").endsWith("java"))));
        parent = closer.add(KindlingNode.builder().name("peer-parent@127.0.0.1").cookie("peer-test")
                .set("kindling.handshake.timeout", "6s").set("kindling.codec.java.max-depth", "77").start());
    }

    private Pool start(PoolBuilder builder) {
        Pool pool = builder.start();
        closer.add(pool);
        return pool;
    }

    private PoolBuilder peerPool(String name) {
        return Pool.builder(parent).name(name).backend("peer").bootTimeout(Duration.ofSeconds(30));
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
    void aRunnerTakesOnTheParentsConfigurationAndThePoolsEnvWins() {
        Pool pool = start(peerPool("config").max(1).env("KINDLING_CODEC_JAVA_MAX_DEPTH", "55"));
        assertEquals("6s", pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.handshake.timeout", "")), "the builder's set reaches the runner");
        assertEquals("55", pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.codec.java.max-depth", "")), "a KINDLING_* in the pool's env wins");
        assertNotEquals("peer-test", pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.cookie", "")), "the cookie is not carried: a runner gets a key token");
        assertEquals("", pool.call(() -> KindlingNode.current().orElseThrow().config()
                .getString("kindling.node.address-file", "")), "nor is anything of the parent's node");
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
    void theRunnersOutputGoesToTheParentsLogWithItsNameAtTheLevelItWasLogged() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(RunnerOutput.LOGGER);
        java.util.logging.Level before = logger.getLevel();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(handler);
        try {
            Pool pool = start(peerPool("out").max(1).env("JAVA_TOOL_OPTIONS", "-Dkindling.test.chatter=1"));
            pool.call(() -> {
                System.out.println("hello from the runner");
                System.err.println("and its stderr");
                System.getLogger("app.Render").log(System.Logger.Level.WARNING, "disk almost full");
                System.getLogger("app.Render").log(System.Logger.Level.ERROR, "render failed",
                        new IllegalStateException("no scene"));
                return null;
            });
            Await.until("every line logged", WAIT, () -> find(logged, "\\[out-runner-.*\\] hello from the runner")
                    != null && find(logged, "\\[out-runner-.*\\] and its stderr") != null
                    && find(logged, "\\[out-runner-.*\\] app.Render: disk almost full") != null
                    && find(logged, "\\[out-runner-.*\\] \tat .*") != null);
            assertEquals(java.util.logging.Level.INFO, find(logged, ".* hello from the runner").getLevel());
            assertEquals(java.util.logging.Level.WARNING, find(logged, ".* app.Render: disk almost full").getLevel());
            assertEquals(java.util.logging.Level.SEVERE, find(logged, ".* app.Render: render failed").getLevel());
            assertEquals(java.util.logging.Level.SEVERE, find(logged, ".*IllegalStateException: no scene").getLevel(),
                    "an exception's lines keep its record's level");
            assertEquals(java.util.logging.Level.SEVERE, find(logged, ".* \tat .*").getLevel());
            LogRecord chatter = find(logged, ".*Picked up JAVA_TOOL_OPTIONS.*");
            assertTrue(chatter == null || chatter.getLevel().intValue() < java.util.logging.Level.INFO.intValue(),
                    "the JVM's start-up chatter is not forwarded at INFO: " + (chatter == null ? "" : chatter.getLevel()));
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(before);
        }
    }

    private static LogRecord find(List<LogRecord> records, String regex) {
        return records.stream().filter(r -> r.getMessage().matches(regex)).findFirst().orElse(null);
    }

    @Test
    void killingTheParentJvmLeavesNoRunnerBehind() throws Exception {
        ChildProcess parentJvm = closer.add(ChildProcess.java("parent", ParentMain.class, List.of()));
        Process parentProcess = parentJvm.process();
        List<Long> children = new ArrayList<>();
        try {
            String pids = parentJvm.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("CHILDREN "));
            Arrays.stream(pids.substring(9).trim().split(" ")).map(Long::parseLong).forEach(children::add);
            assertEquals(2, children.size());
            children.forEach(pid -> assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

            parentProcess.destroyForcibly(); // kill -9 of the parent alone
            assertTrue(parentProcess.waitFor(10, TimeUnit.SECONDS));
            Await.until("no runner to outlive its parent by 5 s: " + children, Duration.ofSeconds(5),
                    () -> children.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                            .orElse(false)));
        } finally {
            children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
