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

    @Test
    void theMainModulesVersion() throws Exception {
        Path src = Files.createDirectories(dir.resolve("modular-src"));
        Files.createDirectories(src.resolve("demo"));
        Files.writeString(src.resolve("module-info.java"), "module demo.app { requires io.kindling.core; }");
        Files.writeString(src.resolve("demo/VersionMain.java"), MAIN);
        Path classes = Files.createDirectories(dir.resolve("modular-classes"));
        String kindling = kindlingModulePath();
        ChildProcess.compile(classes, List.of(src.resolve("module-info.java"), src.resolve("demo/VersionMain.java")),
                List.of("--module-version", "6.1.0", "--module-path", kindling));
        ChildProcess child = closer.add(ChildProcess.start("modular", List.of(Path.of(System.getProperty(
                "java.home"), "bin", "java").toString(), "--module-path", kindling + File.pathSeparator + classes,
                "-m", "demo.app/demo.VersionMain"), Map.of()));
        assertEquals("VERSION 6.1.0", child.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("VERSION ")),
                "java -m: the main module's version");
    }

    /** Kindling's api and core from the test class path, as a module path. */
    private static String kindlingModulePath() {
        return java.util.Arrays.stream(ChildProcess.testClassPath().split(File.pathSeparator))
                .filter(entry -> entry.matches(".*[/\\\\](api|core)[/\\\\]target[/\\\\]classes[/\\\\]?")
                        || entry.matches(".*kindling-(api|core)-[^/\\\\]*\\.jar"))
                .reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
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
