package io.kindling.backend.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a training runner leaves: a cache only the owner can read, and no partial file after a kill; and the
 * cache's key, which changes when a jar does.
 */
class StartupCacheFilesTest {

    @Test
    void aTrainedCacheIsInstalledOwnerOnlyAndItsSideFilesGo(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("kindling-runner-tester-0123.aot");
        Path output = dir.resolve(cache.getFileName() + ".42-7.tmp");
        Files.write(output, new byte[] {1, 2, 3});
        Files.write(dir.resolve(output.getFileName() + ".config"), new byte[] {4});
        PeerBackend.installTrained(new PeerBackend.Startup(List.of(), output, cache));
        assertTrue(Files.isRegularFile(cache));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertEquals(List.of(cache), list(dir));
    }

    @Test
    void installingACacheKeepsOnlyTheUsersNewestCaches(@TempDir Path dir) throws Exception {
        List<Path> older = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) { // oldest first
            Path cache = Files.write(dir.resolve("kindling-runner-tester-000000000000000" + i + ".aot"),
                    new byte[] {1});
            Files.setLastModifiedTime(cache, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
            older.add(cache);
        }
        Path otherUser = Files.write(dir.resolve("kindling-runner-tester-x-0000000000000000.aot"), new byte[] {1});
        Files.setLastModifiedTime(otherUser, java.nio.file.attribute.FileTime.fromMillis(1));
        Path archive = Files.write(dir.resolve("kindling-runner-tester-0000000000000000.jsa"), new byte[] {1});
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(1));
        Path cache = dir.resolve("kindling-runner-tester-0123456789abcdef.aot");
        Path output = dir.resolve(cache.getFileName() + ".44-9.tmp");
        Files.write(output, new byte[] {1, 2, 3});
        PeerBackend.installTrained(new PeerBackend.Startup(List.of(), output, cache));
        List<Path> expected = new java.util.ArrayList<>(List.of(cache, otherUser, archive));
        expected.addAll(older.subList(6 - (PeerBackend.KEPT_CACHES - 1), 6)); // the newest older ones
        assertEquals(expected.stream().sorted().toList(), list(dir).stream().sorted().toList());
    }

    @Test
    void aKilledTrainingRunLeavesNoPartialFile(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("kindling-runner-tester-4567.aot");
        Path output = dir.resolve(cache.getFileName() + ".43-8.tmp");
        Files.write(dir.resolve(output.getFileName() + ".config"), new byte[] {4}); // killed before the cache
        PeerBackend.installTrained(new PeerBackend.Startup(List.of(), output, cache));
        assertFalse(Files.exists(cache));
        assertEquals(List.of(), list(dir));
    }

    @Test
    void aJarReplacedInAModulePathDirectoryChangesTheCacheKey(@TempDir Path dir) throws Exception {
        // A deploy replaces a jar inside lib/ in place: the stamps, and so the cache file, must change.
        Path jar = dir.resolve("app.jar");
        Files.write(jar, new byte[] {1, 2, 3});
        Files.write(dir.resolve("notes.txt"), new byte[] {9});
        StringBuilder before = new StringBuilder();
        PeerBackend.stampJars(dir, before);
        Files.write(jar, new byte[] {1, 2, 3, 4});
        StringBuilder after = new StringBuilder();
        PeerBackend.stampJars(dir, after);
        assertTrue(before.toString().startsWith("app.jar:3@"), before.toString());
        assertTrue(after.toString().startsWith("app.jar:4@"), after.toString());
        assertFalse(before.toString().contains("notes.txt"), "only jars count");
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
