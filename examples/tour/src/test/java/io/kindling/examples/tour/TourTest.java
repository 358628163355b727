package io.kindling.examples.tour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the tour as the README's first command does, in a JVM of its own, and reads what it printed. */
class TourTest {

    @Test
    void theTourShowsTheFourJobsAndLeavesNoProcess() throws Exception {
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Instant started = Instant.now();
        Path output = Files.createTempFile("tour", ".txt");
        Process tour = new ProcessBuilder(javaCommand, "-Djava.util.logging.config.file=/dev/null", "--module-path",
                System.getProperty("jdk.module.path"), "-m", "io.kindling.examples.tour/" + Tour.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            boolean ended = tour.waitFor(120, TimeUnit.SECONDS);
            String printed = Files.readString(output);
            assertTrue(ended, "the tour did not end within 120 s:\n" + printed);
            assertEquals(0, tour.exitValue(), printed);
            List<String> lines = printed.lines().toList();
            for (String step : List.of("[1/5] cluster: 4 nodes", "[2/5] region rpc: fra answered from fra-",
                    "[3/5] pool: a peer runner", "[4/5] failure: fra-1 killed", "[5/5] stopped:")) {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(step)), "no line '" + step + "':\n" + printed);
            }
            assertTrue(printed.contains("no process left"), printed);
            // The tour's nodes and runners carry its module path; once it ended, none may run (an orphan is no
            // longer the tour's descendant, so look at every process started since).
            String modulePath = System.getProperty("jdk.module.path");
            List<String> left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(t -> !t.isBefore(started.minusSeconds(1)))
                            .orElse(false))
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(command -> command.contains(modulePath)).toList();
            assertTrue(left.isEmpty(), "the tour left processes behind: " + left);
        } finally {
            tour.descendants().forEach(ProcessHandle::destroyForcibly);
            tour.destroyForcibly();
            tour.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }
}
