package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.IncompatibleCodeException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling deploy, as a user would do it: the test compiles two builds of the same classes, runs build 2 in a
 * child JVM and calls it from this JVM running build 1. javac names a serializable lambda after its method, a hash
 * of its shape and a counter among lambdas of that shape, in order; build 2's new lambda takes the name build 1's
 * lambda A had, and A takes B's. Without fingerprints, build 1's lambda A would run build 2's new lambda. Each such call must be refused with {@link IncompatibleCodeException}, and code that did not change
 * must still run.
 */
class CodeVersionTest {

    private static final String V1 = """
            package demo;
            import io.kindling.api.RemoteCallable;
            public class Picker {
                public static RemoteCallable<String> stable() {
                    return () -> "stable";
                }
                public static RemoteCallable<String> pick(String which) {
                    if (which.equals("a")) {
                        return () -> "A";
                    }
                    return () -> "B";
                }
            }
            """;
    private static final String V2 = """
            package demo;
            import io.kindling.api.RemoteCallable;
            public class Picker {
                public static RemoteCallable<String> stable() {
                    return () -> "stable";
                }
                public static RemoteCallable<String> pick(String which) {
                    if (which.equals("n")) {
                        return () -> "NEW in build 2";
                    }
                    if (which.equals("a")) {
                        return () -> "A";
                    }
                    return () -> "B";
                }
                public static String unrelated() {
                    return "a constant that shifts the constant pool";
                }
            }
            """;
    private static final String COUNTER_V1 = """
            package demo;
            public class Counter implements io.kindling.api.RemoteCallable<Integer> {
                public Integer call() { return 1; }
            }
            """;
    private static final String COUNTER_V2 = COUNTER_V1.replace("return 1;", "return 2;");
    private static final String ONLY_V1 = """
            package demo;
            public class OnlyInBuild1 implements io.kindling.api.RemoteCallable<String> {
                public String call() { return "build 1"; }
            }
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void aCallerNeverRunsOtherCodeThanItsOwn() throws Exception {
        Path build1 = compile("build1", Map.of("Picker", V1, "Counter", COUNTER_V1, "OnlyInBuild1", ONLY_V1));
        Path build2 = compile("build2", Map.of("Picker", V2, "Counter", COUNTER_V2));
        try (URLClassLoader loader1 = new URLClassLoader(new URL[] {build1.toUri().toURL()},
                        getClass().getClassLoader())) {
            ChildProcess child = closer.add(ChildProcess.start("build2", List.of(java(), "-XX:TieredStopAtLevel=1",
                    "-cp", ChildProcess.testClassPath() + File.pathSeparator + build2, TestNodeMain.class.getName(),
                    "kindling.node.name=build2@127.0.0.1", "kindling.cookie=deploy", "kindling.app.version=2.0.0"),
                    Map.of()));
            int port = Integer.parseInt(child.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("READY "))
                    .substring(6).trim());
            KindlingNode node = closer.add(KindlingNode.builder().name("build1@127.0.0.1").cookie("deploy")
                    .classLoader(loader1).set("kindling.app.version", "1.0.0").start());
            NodeName peer = node.connect(new NodeAddress(NodeName.parse("build2@127.0.0.1"), "127.0.0.1", port));
            assertEquals("2.0.0", node.attributesOf(peer).orElseThrow().get("kindling.app.version").orElseThrow(),
                    "the peer's application version comes with the handshake");
            assertEquals("1.0.0", node.attributes().get("kindling.app.version").orElseThrow());

            Class<?> picker = loader1.loadClass("demo.Picker");
            RemoteCallable<?> a = (RemoteCallable<?>) picker.getMethod("pick", String.class).invoke(null, "a");
            RemoteCallable<?> b = (RemoteCallable<?>) picker.getMethod("pick", String.class).invoke(null, "b");
            assertEquals("A", a.call(), "build 1 runs its own lambda here");

            IncompatibleCodeException refusedA = assertThrows(IncompatibleCodeException.class,
                    () -> node.call(peer, a, Duration.ofSeconds(10)));
            assertEquals(peer, refusedA.node());
            assertEquals("demo.Picker", refusedA.className());
            assertTrue(refusedA.method().startsWith("lambda$pick$"), refusedA.method());
            assertNotEquals(refusedA.callerFingerprint(), refusedA.nodeFingerprint());
            assertNotEquals("missing", refusedA.nodeFingerprint());
            assertTrue(refusedA.getMessage().contains("kindling.app.version"), refusedA.getMessage());
            assertThrows(IncompatibleCodeException.class, () -> node.call(peer, b, Duration.ofSeconds(10)));

            RemoteCallable<?> stable = (RemoteCallable<?>) picker.getMethod("stable").invoke(null);
            assertEquals("stable", node.call(peer, stable, Duration.ofSeconds(10)),
                    "a lambda whose code did not change runs across builds");

            RemoteCallable<?> counter = (RemoteCallable<?>) loader1.loadClass("demo.Counter")
                    .getConstructor().newInstance();
            IncompatibleCodeException refusedCounter = assertThrows(IncompatibleCodeException.class,
                    () -> node.call(peer, counter, Duration.ofSeconds(10)));
            assertEquals("demo.Counter", refusedCounter.className());
            assertEquals("", refusedCounter.method());

            RemoteCallable<?> only = (RemoteCallable<?>) loader1.loadClass("demo.OnlyInBuild1")
                    .getConstructor().newInstance();
            IncompatibleCodeException missing = assertThrows(IncompatibleCodeException.class,
                    () -> node.call(peer, only, Duration.ofSeconds(10)));
            assertEquals("missing", missing.nodeFingerprint());
            assertEquals("demo.OnlyInBuild1", missing.className());
            assertTrue(missing.detail().contains("demo.OnlyInBuild1") && missing.getMessage().contains("is missing"),
                    missing.getMessage());

            assertEquals(7, node.call(peer, () -> 7, Duration.ofSeconds(10)), "the connection stays usable");
            assertTrue(child.lines().stream().noneMatch(l -> l.contains("NEW in build 2")));
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Compiles sources (class name to source) of package {@code demo} into a directory of their own. */
    private Path compile(String build, Map<String, String> sources) throws Exception {
        Path src = Files.createDirectories(dir.resolve(build + "-src").resolve("demo"));
        Path out = Files.createDirectories(dir.resolve(build));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey() + ".java");
            Files.writeString(file, source.getValue());
            files.add(file);
        }
        ChildProcess.compile(out, files);
        return out;
    }
}
