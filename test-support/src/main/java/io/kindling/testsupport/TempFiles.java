package io.kindling.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing what a test or a benchmark wrote to disk. */
public final class TempFiles {

    private TempFiles() {
    }

    /**
     * Deletes a directory and everything under it, deepest first; nothing when it does not exist. It goes on past a
     * file it cannot delete, so that as much as possible goes.
     *
     * @param dir the directory (or a single file)
     * @throws IOException the first deletion that failed, the others suppressed in it
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.sorted(Comparator.reverseOrder()).toList();
        }
        IOException first = null;
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
