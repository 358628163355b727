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

/** The files a training runner leaves: a cache only the owner can read, and no partial file after a kill. */
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
    void aKilledTrainingRunLeavesNoPartialFile(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("kindling-runner-tester-4567.aot");
        Path output = dir.resolve(cache.getFileName() + ".43-8.tmp");
        Files.write(dir.resolve(output.getFileName() + ".config"), new byte[] {4}); // killed before the cache
        PeerBackend.installTrained(new PeerBackend.Startup(List.of(), output, cache));
        assertFalse(Files.exists(cache));
        assertEquals(List.of(), list(dir));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
