package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java block of the README appears, line for line, in this project's sources, which compiled. */
class ReadmeBlocksTest {

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledHere() throws IOException {
        List<String> blocks = javaBlocks(Files.readAllLines(Path.of(System.getProperty("readme"))));
        assertFalse(blocks.isEmpty(), "the README has no ```java blocks");
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(ReadmeBlocksTest::read)
                    .map(ReadmeBlocksTest::normalize).collect(Collectors.joining("\n"));
        }
        for (String block : blocks) {
            assertTrue(sources.contains(normalize(block)), "this README block is not in the consumer's sources, so "
                    + "nothing checks that it compiles; add it to ReadmeSnippets or a test:\n" + block);
        }
    }

    private static List<String> javaBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : lines) {
            if (block == null && line.strip().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** Each line stripped of its indentation, blank lines dropped. */
    private static String normalize(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
