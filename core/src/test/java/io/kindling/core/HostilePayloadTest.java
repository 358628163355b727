package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.core.internal.wire.RawPeer;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The payloads a hostile or buggy cookie holder sends, each against a node in a child JVM, from a raw peer that
 * passed the handshake. Each must be refused within its bound, leave the heap as it was, and leave the node
 * serving a well-behaved peer. Every test prints what it measured (time to refuse, heap after).
 */
class HostilePayloadTest {

    private static final String COOKIE = "hostile";
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final long MIB = 1 << 20;

    @RegisterExtension
    final Closer closer = new Closer();

    /** The child node, and a well-behaved node of this JVM connected to it. */
    private record Target(ChildNode child, KindlingNode probe) {
        NodeName name() {
            return child.name();
        }

        long heapAfterGc() {
            return probe.call(name(), HostileTasks.heapAfterGc(), CALL);
        }

        void assertServes() {
            assertEquals(3, probe.call(name(), () -> 1 + 2, CALL));
        }
    }

    private Target start(String name, String... settings) throws Exception {
        ChildNode child = closer.add(ChildNode.start(name, COOKIE, settings));
        KindlingNode.Builder builder = KindlingNode.builder().name("probe-" + name + "@127.0.0.1").cookie(COOKIE);
        for (String setting : settings) {
            builder.set(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        KindlingNode probe = closer.add(builder.start());
        probe.connect(child.address);
        return new Target(child, probe);
    }

    private static void report(String payload, long refusedMillis, long heapBefore, long heapAfter) {
        report(payload, "refused in", refusedMillis, heapBefore, heapAfter);
    }

    private static void report(String payload, String what, long millis, long heapBefore, long heapAfter) {
        System.out.printf("payload %s: %s %d ms; heap after GC %d MiB (before %d MiB)%n", payload, what, millis,
                heapAfter / MIB, heapBefore / MIB);
    }

    private static byte[] javaSerialized(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** Nested hash sets sharing their members: hashCode work doubles with each level. */
    private static Set<Object> setBomb(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("x");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    @Test
    void decodingIsBoundedByTheBytesReceived() throws Exception {
        Target target = start("decode", "kindling.codec.java.allow-packages=io.kindling.core");
        long heapBefore = target.heapAfterGc();
        try (RawPeer raw = closer.add(RawPeer.connect(target.child.address, COOKIE))) {
            // 1. Nested hash sets sharing references, 26 levels deep (within max-depth): 18.8 s of decode before.
            byte[] bomb = javaSerialized(setBomb(26));
            assertTrue(bomb.length < 4096, "the bomb is small: " + bomb.length + " bytes");
            long started = System.nanoTime();
            raw.send(RawPeer.rawCall(1, RawPeer.serialized(bomb)));
            RawPeer.Frame failure = raw.readUntil(RawPeer.FAILURE);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertNotNull(failure, "the node closed the connection instead of failing the call");
            assertTrue(failure.text().contains("counting shared ones once per reference"), failure.text());
            assertTrue(millis < 2_000, "refused after " + millis + " ms");
            report("hash-set bomb (" + bomb.length + " B, 26 levels)", millis, heapBefore, target.heapAfterGc());

            // 2. A 27-byte Java serialization stream declaring a long[16,777,216] (128 MiB), sent 1,000 times; and
            // the codec's own form of the same claim, five bytes.
            byte[] stream = javaSerialized(new long[0]);
            stream[stream.length - 4] = 1; // length 0x01000000
            byte[] nativeClaim = {13, (byte) 0x80, (byte) 0x80, (byte) 0x80, 8};
            started = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                raw.write(RawPeer.rawCall(100 + i, i % 2 == 0 ? RawPeer.serialized(stream) : nativeClaim));
            }
            raw.flush();
            for (int i = 0; i < 1_000; i++) {
                RawPeer.Frame refused = raw.readUntil(RawPeer.FAILURE);
                assertNotNull(refused);
                assertTrue(refused.text().contains("declared, but only"), refused.text());
            }
            millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long heapAfter = target.heapAfterGc();
            report("1,000 CALLs declaring a long[16,777,216]", millis, heapBefore, heapAfter);
            assertTrue(heapAfter < heapBefore + 64 * MIB, "heap grew from " + heapBefore / MIB + " to "
                    + heapAfter / MIB + " MiB");

            // 3. A HashMap keyed by a URL: URL.hashCode resolves its host. Refused at the class, before any put,
            // even though java.* is never on the allow list and the list is set.
            Map<Object, String> map = new HashMap<>();
            map.put(URI.create("http://127.0.0.1:1/").toURL(), "x");
            started = System.nanoTime();
            raw.send(RawPeer.rawCall(2, RawPeer.serialized(javaSerialized(map))));
            failure = raw.readUntil(RawPeer.FAILURE);
            millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertNotNull(failure);
            assertTrue(failure.text().contains("java.net.URL"), failure.text());
            report("HashMap<URL, String>", millis, heapBefore, target.heapAfterGc());
        }
        target.assertServes();
    }

    @Test
    void nothingStaysBehindAfterTheConnectionCloses() throws Exception {
        Target target = start("retain");
        long heapBefore = target.heapAfterGc();
        long started = System.nanoTime();
        try (RawPeer raw = RawPeer.connect(target.child.address, COOKIE)) {
            // 93 padded CALLs of 8 MiB each (744 MiB): before, a decode cache kept a copy of each.
            byte[] padding = new byte[8 << 20];
            for (int i = 0; i < 93; i++) {
                raw.send(RawPeer.call(i + 1, HostileTasks.length(padding)));
                RawPeer.Frame result = raw.readUntil(RawPeer.RESULT, RawPeer.FAILURE, RawPeer.REFUSED);
                assertNotNull(result);
                assertEquals(RawPeer.RESULT, result.type(), result.text());
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        long heapAfter = target.heapAfterGc();
        report("93 CALLs of 8 MiB, then disconnect", "all answered in", millis, heapBefore, heapAfter);
        assertTrue(heapAfter < heapBefore + 64 * MIB, "heap grew from " + heapBefore / MIB + " to "
                + heapAfter / MIB + " MiB");
        target.assertServes();
    }

    @Test
    void runningTasksPerPeerAreBoundedAndEndWithTheConnection() throws Exception {
        Target target = start("bounded");
        long heapBefore = target.heapAfterGc();
        int calls = 1_000_000;
        int limit = 10_000; // kindling.tasks.max-per-peer's default
        AtomicLong refused = new AtomicLong();
        AtomicLong other = new AtomicLong();
        List<String> odd = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (RawPeer raw = RawPeer.connect(target.child.address, COOKIE)) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    while (refused.get() < calls - limit) {
                        RawPeer.Frame frame = raw.readUntil(RawPeer.REFUSED, RawPeer.RESULT, RawPeer.FAILURE);
                        if (frame == null) {
                            return;
                        }
                        if (frame.type() == RawPeer.REFUSED) {
                            refused.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                            odd.add(frame.type() + ": " + frame.text());
                        }
                    }
                } catch (Exception e) {
                    odd.add(e.toString());
                }
            });
            byte[] first = RawPeer.call(1, HostileTasks.sleeper());
            for (long id = 1; id <= calls; id++) {
                byte[] frame = first.clone();
                for (int i = 0; i < 8; i++) {
                    frame[5 + i] = (byte) (id >>> (56 - 8 * i));
                }
                raw.write(frame);
            }
            raw.flush();
            reader.join(TimeUnit.SECONDS.toMillis(120));
            assertEquals(calls - limit, refused.get(), "refusals; other frames: " + odd);
            assertEquals(0, other.get(), odd.toString());
            Await.until("the node runs the limit of sleeping tasks", Duration.ofSeconds(30),
                    () -> target.probe.call(target.name(), HostileTasks.sleeping(), CALL) == limit);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long heapDuring = target.heapAfterGc();
            report("1,000,000 sleeping CALLs (" + limit + " run, the rest refused)", millis, heapBefore,
                    heapDuring);
            assertTrue(heapDuring < heapBefore + 128 * MIB, "heap grew from " + heapBefore / MIB + " to "
                    + heapDuring / MIB + " MiB");
        }
        Await.until("the peer's tasks end with its connection", Duration.ofSeconds(30),
                () -> target.probe.call(target.name(), HostileTasks.sleeping(), CALL) == 0);
        target.assertServes();
    }

    @Test
    void aDuplicateLiveCallIdIsAProtocolError() throws Exception {
        Target target = start("duplicate");
        try (RawPeer raw = RawPeer.connect(target.child.address, COOKIE)) {
            byte[] sleeper = RawPeer.call(42, HostileTasks.sleeper());
            for (int i = 0; i < 1_000; i++) {
                raw.write(sleeper);
            }
            try {
                raw.flush();
            } catch (java.io.IOException closedAlready) {
                // the node may close before all of it is written
            }
            assertNull(raw.readUntil(RawPeer.RESULT, RawPeer.FAILURE, RawPeer.REFUSED),
                    "the node must close the connection");
        } catch (java.net.SocketException reset) {
            // closed with a reset: also closed
        }
        Await.until("the first call's task ends with the connection", Duration.ofSeconds(30),
                () -> target.probe.call(target.name(), HostileTasks.sleeping(), CALL) == 0);
        assertTrue(target.child.output().stream().anyMatch(l -> l.contains("while a call with that id is still")),
                "the node logs the protocol error: " + target.child.output());
        target.assertServes();
    }

    @Test
    void busyTasksDoNotStopHeartbeatsOrHandshakes() throws Exception {
        Target target = start("busy", "kindling.heartbeat.interval=250ms", "kindling.heartbeat.timeout=1s");
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        target.probe.monitor(events::add);
        int carriers = target.probe.call(target.name(), HostileTasks.processors(), CALL);
        long spin = TimeUnit.SECONDS.toNanos(2); // twice the heartbeat timeout
        List<java.util.concurrent.CompletableFuture<Long>> spinning = new java.util.ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinning.add(target.probe.callAsync(target.name(), HostileTasks.spin(spin), CALL));
        }
        long started = System.nanoTime();
        KindlingNode newcomer = closer.add(KindlingNode.builder().name("newcomer@127.0.0.1").cookie(COOKIE)
                .set("kindling.heartbeat.interval", "250ms").set("kindling.heartbeat.timeout", "1s").start());
        assertEquals(target.name(), newcomer.connect(target.child.address),
                "a new peer connects while every carrier spins");
        Duration ping = newcomer.ping(target.name(), Duration.ofSeconds(5));
        long connectedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        for (var future : spinning) {
            try {
                assertTrue(future.get(30, TimeUnit.SECONDS) > 0);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("a spinning call failed; the node's output: " + target.child.output(), e);
            }
        }
        assertTrue(connectedAfter < TimeUnit.NANOSECONDS.toMillis(spin), "connected after " + connectedAfter
                + " ms, when the spinning was over");
        System.out.printf("payload %d spinning tasks for %d ms: a new peer connected in %d ms, ping %d us%n",
                carriers, TimeUnit.NANOSECONDS.toMillis(spin), connectedAfter, ping.toNanos() / 1000);
        assertTrue(events.stream().noneMatch(e -> e instanceof NodeEvent.NodeDown), events.toString());
        assertTrue(target.child.output().stream().noneMatch(l -> l.contains("no heartbeat")),
                target.child.output().toString());
        target.assertServes();
        assertEquals("ok", newcomer.call(target.name(), () -> "ok", CALL));
    }
}
