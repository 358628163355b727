package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application version a node announces when none is configured: the Implementation-Version of the jar its main
 * class comes from, and what {@code kindling.app.version} overrides. Each in a JVM of its own, as an application
 * starts.
 */
class AppVersionTest {

    private static final String MAIN = """
            package demo;
            public class VersionMain {
                public static void main(String[] args) {
                    try (var node = io.kindling.core.KindlingNode.builder().name("version@127.0.0.1").cookie("v")
                            .start()) {
                        System.out.println("VERSION " + node.attributes().get("kindling.app.version").orElse("none"));
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void theMainJarsVersionUnlessConfigured() throws Exception {
        Path jar = buildJar("4.2.0");
        assertEquals("VERSION 4.2.0", run(jar, List.of()));
        assertEquals("VERSION 5.0.0-rc1", run(jar, List.of("-Dkindling.app.version=5.0.0-rc1")));
        Path unversioned = buildJar(null);
        assertEquals("VERSION none", run(unversioned, List.of()), "no version found: no attribute");
    }

    private String run(Path jar, List<String> options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(options);
        command.addAll(List.of("-cp", ChildProcess.testClassPath() + File.pathSeparator + jar, "demo.VersionMain"));
        ChildProcess child = closer.add(ChildProcess.start("version", command, Map.of()));
        return child.awaitLine(Duration.ofSeconds(30), line -> line.startsWith("VERSION "));
    }

    private Path buildJar(String version) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + version).resolve("demo"));
        Path classes = Files.createDirectories(dir.resolve("classes-" + version));
        Files.writeString(src.resolve("VersionMain.java"), MAIN);
        ChildProcess.compile(classes, List.of(src.resolve("VersionMain.java")));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        Path jar = dir.resolve("app-" + version + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("demo/VersionMain.class"));
            out.write(Files.readAllBytes(classes.resolve("demo/VersionMain.class")));
            out.closeEntry();
        }
        return jar;
    }
}
