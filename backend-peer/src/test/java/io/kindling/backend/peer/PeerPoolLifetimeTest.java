package io.kindling.backend.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.Tracked;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What outlives a call, and a resize while calls run, with runners as child JVMs: a temporary file a runner made
 * stays until its handle is released, or until the pool stops the runner; a smaller {@code max} loses no call.
 */
class PeerPoolLifetimeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final Closer closer = new Closer();
    private KindlingNode parent;

    @BeforeEach
    void startParent() {
        closer.add(() -> Await.until("no child JVM left", WAIT, () -> ProcessHandle.current().children()
                .noneMatch(p -> p.info().command().orElse("").endsWith("java"))));
        parent = closer.add(KindlingNode.builder().name("peer-lifetime@127.0.0.1").cookie("peer-lifetime-test")
                .start());
    }

    /** On a runner: a temporary file in the directory, deleted when its handle is released. */
    private static Tracked<String> tempFile(String dir) throws Exception {
        Path file = Files.createTempFile(Path.of(dir), "tracked", ".tmp");
        Files.writeString(file, "pid " + ProcessHandle.current().pid());
        return Tracked.of(file.toString(), () -> Files.deleteIfExists(file));
    }

    @Test
    void aTemporaryFileLivesUntilItsHandleIsReleasedOrItsRunnerStops(@TempDir Path dir) throws Exception {
        String where = dir.toString();
        Pool pool = closer.add(Pool.builder(parent).name("files").backend("peer").max(1)
                .bootTimeout(Duration.ofSeconds(30)).idleShutdownAfter(Duration.ofMillis(300)).start());
        Tracked<String> first = pool.call(() -> tempFile(where), WAIT);
        Path file = Path.of(first.value());
        long runnerPid = Long.parseLong(Files.readString(file).substring(4));
        assertTrue(runnerPid != ProcessHandle.current().pid(), "made by the child JVM");
        assertEquals("pid " + runnerPid, pool.call(() -> Files.readString(Path.of(first.value()))),
                "the handle goes back to a task on its runner");
        first.release();
        Await.until("the runner deleted the file", WAIT, () -> !Files.exists(file));
        Await.until("then the runner stopped when idle", WAIT, pool::toString, () -> pool.runners().isEmpty());

        Tracked<String> second = pool.call(() -> tempFile(where), WAIT);
        assertTrue(Files.exists(Path.of(second.value())));
        pool.shutdown();
        assertTrue(!Files.exists(Path.of(second.value())), "stopping the runner released what it held");
    }

    @Test
    void theReleaseReachesARunnerWhoseCodecAllowsOnlyTheApplicationsPackage(@TempDir Path dir) throws Exception {
        // The runner takes on the parent's narrow allow-packages; the pool's own release task must still decode there
        // (a lambda of core's would be refused). A long idle time: only the release can delete the file here.
        KindlingNode narrow = closer.add(KindlingNode.builder().name("peer-narrow@127.0.0.1")
                .cookie("peer-lifetime-test").set("kindling.codec.java.allow-packages", "io.kindling.backend.peer")
                .start());
        String where = dir.toString();
        Pool pool = closer.add(Pool.builder(narrow).name("narrow").backend("peer").max(1)
                .bootTimeout(Duration.ofSeconds(30)).idleShutdownAfter(Duration.ofMinutes(5)).start());
        Tracked<String> handle = pool.call(() -> tempFile(where), WAIT);
        Path file = Path.of(handle.value());
        assertTrue(Files.exists(file));
        handle.release();
        Await.until("the runner deleted the file", WAIT, () -> !Files.exists(file));
    }

    @Test
    void resizingWhileCallsRunLosesNone() throws Exception {
        Pool pool = closer.add(Pool.builder(parent).name("resizing").backend("peer").max(3).maxConcurrency(1)
                .bootTimeout(Duration.ofSeconds(30)).idleShutdownAfter(Duration.ofMinutes(5)).start());
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(pool.callAsync(() -> {
                Thread.sleep(1500);
                return ProcessHandle.current().pid();
            }, WAIT));
        }
        Await.until("three busy child JVMs", WAIT, pool::toString, () -> pool.metrics().busy() == 3);
        pool.resize(0, 1);
        List<CompletableFuture<Long>> more = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            more.add(pool.callAsync(() -> ProcessHandle.current().pid(), WAIT));
        }
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<Long> call : calls) {
            pids.add(call.get(60, TimeUnit.SECONDS));
        }
        assertEquals(3, pids.size(), "the three calls ran to the end on their runners");
        Set<Long> after = new HashSet<>();
        for (CompletableFuture<Long> call : more) {
            after.add(call.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, after.size(), "later calls all ran on the one runner max allows: " + after);
        Await.until("one child JVM left", WAIT, pool::toString, () -> pool.runners().size() == 1
                && ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("java"))
                        .count() == 1);
    }
}
