package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import io.kindling.api.PluginNotFoundException;
import io.kindling.api.spi.CodecProvider;
import io.kindling.api.spi.TransportProvider;
import io.kindling.core.internal.PluginLookup;
import io.kindling.core.internal.wire.Cookies;
import io.kindling.testsupport.ChildProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigAndPluginsTest {

    @TempDir
    Path dir;

    @Test
    void layersApplyInOrder() throws Exception {
        Path file = dir.resolve("kindling.conf");
        Files.writeString(file, "kindling.connect.timeout=2s\nkindling.handshake.timeout=3s\n"
                + "kindling.heartbeat.interval=4s\n");
        Properties system = new Properties();
        system.setProperty("kindling.handshake.timeout", "30s");
        system.setProperty("kindling.heartbeat.interval", "40s");
        KindlingConfig config = KindlingConfig.builder()
                .environment(Map.of("KINDLING_CONFIG", file.toString(), "KINDLING_HANDSHAKE_TIMEOUT", "300s",
                        "KINDLING_HEARTBEAT_INTERVAL", "400s", "OTHER", "x"))
                .systemProperties(system)
                .set("kindling.heartbeat.interval", "4000s")
                .build();
        assertEquals("5s", config.get("kindling.heartbeat.timeout").orElseThrow(), "defaults layer");
        assertEquals(Duration.ofSeconds(2), config.getDuration("kindling.connect.timeout", null), "file");
        assertEquals(Duration.ofSeconds(30), config.getDuration("kindling.handshake.timeout", null), "sysprop");
        assertEquals(Duration.ofSeconds(4000), config.getDuration("kindling.heartbeat.interval", null), "code");
        assertTrue(config.source("kindling.connect.timeout").orElseThrow().contains("KINDLING_CONFIG"));
        config = KindlingConfig.builder().environment(Map.of("KINDLING_HANDSHAKE_TIMEOUT", "300s"))
                .systemProperties(new Properties()).build();
        assertEquals(Duration.ofSeconds(300), config.getDuration("kindling.handshake.timeout", null), "env");
    }

    @Test
    void withoutBundledFilesOnlyTheProcessLayersAreRead() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("kindling.properties"), "kindling.connect.timeout=7s\n");
        Path file = dir.resolve("runner.conf");
        Files.writeString(file, "kindling.handshake.timeout=8s\n");
        Properties system = new Properties();
        system.setProperty("kindling.heartbeat.interval", "9s");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {
                classes.toUri().toURL()}, null)) {
            KindlingConfig.Builder builder = KindlingConfig.builder().classLoader(loader).systemProperties(system)
                    .environment(Map.of("KINDLING_CONFIG", file.toString(), "KINDLING_CODEC", "java"));
            KindlingConfig all = builder.build();
            assertEquals("7s", all.get("kindling.connect.timeout").orElseThrow(), "the class path file");
            assertEquals("5s", all.get("kindling.heartbeat.timeout").orElseThrow(), "core's defaults");
            KindlingConfig runner = builder.bundledFiles(false).build();
            assertTrue(runner.get("kindling.connect.timeout").isEmpty(), "no class path file: " + runner.keys());
            assertTrue(runner.get("kindling.heartbeat.timeout").isEmpty(), "no defaults: " + runner.keys());
            assertEquals("8s", runner.get("kindling.handshake.timeout").orElseThrow(), "KINDLING_CONFIG");
            assertEquals("java", runner.get("kindling.codec").orElseThrow(), "environment");
            assertEquals("9s", runner.get("kindling.heartbeat.interval").orElseThrow(), "system property");
        }
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhereItCameFrom() {
        KindlingConfig config = KindlingConfig.builder().systemProperties(new Properties())
                .environment(Map.of("KINDLING_HEARTBEAT_TIMEOUT", "often")).build();
        ConfigException e = assertThrows(ConfigException.class, () -> KindlingNode.builder().config(config)
                .name("cfg@127.0.0.1").cookie("c").start());
        assertTrue(e.getMessage().contains("kindling.heartbeat.timeout") && e.getMessage().contains("'often'")
                && e.getMessage().contains("KINDLING_HEARTBEAT_TIMEOUT"), e.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> KindlingConfig.builder()
                .environment(Map.of("KINDLING_CONFIG", dir.resolve("nope.properties").toString())).build());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        ConfigException noName = assertThrows(ConfigException.class, () -> KindlingNode.builder()
                .config(KindlingConfig.builder().environment(Map.of()).systemProperties(new Properties()).build())
                .cookie("c").start());
        assertTrue(noName.getMessage().contains("KINDLING_NODE_NAME"), noName.getMessage());
    }

    @Test
    void unknownPluginNameListsTheNamesFound() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> KindlingNode.builder()
                .name("p@127.0.0.1").cookie("c").set("kindling.transport", "carrier-pigeon").start());
        assertEquals(List.of("tcp"), e.available());
        assertTrue(e.getMessage().contains("carrier-pigeon") && e.getMessage().contains("tcp"), e.getMessage());
        assertEquals(List.of("java"), List.copyOf(PluginLookup.providers(CodecProvider.class, null).keySet()));
    }

    @Test
    void pluginsAreFoundOnTheModulePathHere() {
        assertTrue(KindlingNode.class.getModule().isNamed(), "these tests run on the module path");
        assertEquals("tcp", PluginLookup.find(TransportProvider.class, "tcp", null).name());
    }

    @Test
    void pluginsAreFoundOnThePlainClassPath() throws Exception {
        assertEquals(List.of("unnamed module", "class path", "transport: [tcp]", "codec: [java]"),
                probe("-cp", ChildProcess.testClassPath(), PluginProbe.class.getName()));
    }

    /**
     * With only a module path (no class path), as a runner of a modular application starts, plugin lookup reads the
     * boot layer alone (no jar is opened) and finds the same plugins.
     */
    @Test
    void pluginsAreFoundOnTheModulePathAlone() throws Exception {
        assertEquals(List.of("named module", "no class path", "transport: [tcp]", "codec: [java]"),
                probe("--module-path", location(KindlingNode.class) + java.io.File.pathSeparator
                        + location(io.kindling.api.NodeName.class), "--patch-module",
                        "io.kindling.core=" + location(PluginProbe.class),
                        "-m", "io.kindling.core/" + PluginProbe.class.getName()));
    }

    /** The lines a {@link PluginProbe} prints in a child JVM started with these options. */
    private static List<String> probe(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
            return out.lines().toList();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void cookieFileIsCreatedOwnerOnlyAndRefusedWhenOthersCanReadIt() throws Exception {
        Path file = dir.resolve("sub").resolve("cookie");
        byte[] created = Cookies.readOrCreate(file);
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(created).length, "32 random bytes, base64url");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(new String(created), new String(Cookies.readOrCreate(file)), "read back, not regenerated");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = assertThrows(ConfigException.class, () -> Cookies.readOrCreate(file));
        assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());

        Path empty = dir.resolve("empty");
        Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        assertTrue(assertThrows(ConfigException.class, () -> Cookies.readOrCreate(empty)).getMessage()
                .contains("is empty"));
    }

    @Test
    void explicitCookieWinsOverTheFile() {
        KindlingConfig config = KindlingConfig.builder().environment(Map.of("KINDLING_COOKIE", "from-env"))
                .systemProperties(new Properties()).set("kindling.cookie.file", dir.resolve("x").toString())
                .build();
        assertEquals("from-env", new String(Cookies.resolve(config), StandardCharsets.UTF_8));
        assertTrue(Files.notExists(dir.resolve("x")));
    }

    /** Runs in a child JVM on the class path or the module path: lists the plugins ServiceLoader finds there. */
    public static final class PluginProbe {
        public static void main(String[] args) {
            System.out.println(KindlingNode.class.getModule().isNamed() ? "named module" : "unnamed module");
            System.out.println(System.getProperty("java.class.path", "").isBlank() ? "no class path" : "class path");
            System.out.println("transport: " + PluginLookup.providers(TransportProvider.class, null).keySet());
            System.out.println("codec: " + PluginLookup.providers(CodecProvider.class, null).keySet());
        }
    }
}
