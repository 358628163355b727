package io.kindling.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine: root, a program from a Debian package, a raised limit. Where the need is not
 * met, the test is skipped with a message saying what it needs and how to get it; under
 * {@value #STRICT} (CI sets it, as root with every package installed) it fails instead, so that a green CI run has
 * run every test.
 */
public final class Requires {

    /** The environment variable that turns a skip for a missing need into a failure: {@code 1} or {@code true}. */
    public static final String STRICT = "KINDLING_TESTS_STRICT";

    private Requires() {
    }

    /**
     * Needs root (uid 0).
     *
     * @param why what the test does that needs it, e.g. "creates network namespaces"
     */
    public static void root(String why) {
        that(isRoot(), "this test " + why + ", which needs root; run it as root (CI does)");
    }

    /**
     * Needs a program.
     *
     * @param name the program, looked up on the {@code PATH} and in the sbin directories
     * @param debianPackage the Debian package that installs it
     * @return its path
     */
    public static Path executable(String name, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<String> dirs = new java.util.ArrayList<>(List.of(path.split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        that(false, "this test runs '" + name + "', which is not installed: apt-get install " + debianPackage
                + " (.ci/run does)");
        throw new AssertionError("unreachable");
    }

    /**
     * Needs a condition to hold.
     *
     * @param met whether the need is met
     * @param need what the test needs and how to get it, for the skip or failure message
     */
    public static void that(boolean met, String need) {
        if (met) {
            return;
        }
        String strict = System.getenv(STRICT);
        if ("1".equals(strict) || "true".equalsIgnoreCase(strict)) {
            throw new AssertionError(STRICT + " is set, so every test must run, and this one cannot: " + need);
        }
        Assumptions.abort(need);
    }

    /** {@return whether this process runs as root, from {@code /proc/self/status}; false where that is absent} */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
