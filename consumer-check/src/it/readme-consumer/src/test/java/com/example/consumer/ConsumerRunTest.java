package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the application (Main) as a user would, in a JVM of its own: on the module path and on the class path. Each
 * time the strategy and the backend must be found by name and the runner must run the application's lambda.
 */
class ConsumerRunTest {

    @ParameterizedTest
    @ValueSource(strings = {"module", "class"})
    void theApplicationRunsOn(String path) throws Exception {
        String dependencies = Files.readString(Path.of(System.getProperty("runtimePath"))).strip();
        String all = System.getProperty("classes") + File.pathSeparator + dependencies;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        if (path.equals("module")) {
            command.addAll(List.of("--module-path", all, "-m", "com.example.consumer/com.example.consumer.Main"));
        } else {
            command.addAll(List.of("-cp", all, "com.example.consumer.Main"));
        }
        command.addAll(List.of(Integer.toString(freePort()), UUID.randomUUID().toString() + UUID.randomUUID()));
        Path output = Files.createTempFile("consumer", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        try {
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            String printed = Files.readString(output);
            assertTrue(ended, "the application did not end within 120 s:\n" + printed);
            assertEquals(0, process.exitValue(), printed);
            assertTrue(printed.contains("consumer ok on the " + path + " path"), printed);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
