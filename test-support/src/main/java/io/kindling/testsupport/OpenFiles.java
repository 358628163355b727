package io.kindling.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test JVM's limit on open files, for tests that hold thousands of sockets. */
public final class OpenFiles {

    private OpenFiles() {
    }

    /**
     * Needs ({@link Requires#that}): skips the test, saying why, unless this JVM may open at least {@code needed} files (its soft
     * {@code ulimit -n}, read from {@code /proc/self/limits}; not checked where that file does not exist).
     *
     * @param needed how many the test holds at most, with room for the JVM's own
     * @throws IOException if the limits cannot be read
     */
    public static void assumeAtLeast(long needed) throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.exists(limits)) {
            return;
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                Requires.that(soft.equals("unlimited") || Long.parseLong(soft) >= needed,
                        "this test holds thousands of sockets and needs ulimit -n of " + needed + " or more (this JVM"
                                + " has " + soft + "); .ci/run raises it");
            }
        }
    }
}
