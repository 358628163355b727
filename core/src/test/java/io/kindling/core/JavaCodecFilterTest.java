package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;
import io.kindling.core.internal.PluginLookup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JavaCodecFilterTest {

    private static Codec codec(Map<String, String> settings) {
        return PluginLookup.create(CodecProvider.class, "java", Config.of(settings), null);
    }

    private static byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec(Map.of()).encode(value, out);
        return out.toByteArray();
    }

    @Test
    void roundTripsAllowedValues() throws Exception {
        byte[] bytes = encode(List.of("a", 1, 2.5));
        assertEquals(List.of("a", 1, 2.5), codec(Map.of()).decode(bytes, 0, bytes.length, null));
    }

    @Test
    void deepGraphsAreRefusedNamingTheSetting() throws Exception {
        Link chain = null;
        for (int i = 0; i < 50; i++) {
            chain = new Link(chain);
        }
        byte[] bytes = encode(chain);
        IOException e = assertThrows(IOException.class, () -> codec(Map.of("kindling.codec.java.max-depth", "20"))
                .decode(bytes, 0, bytes.length, null));
        assertTrue(e.getMessage().contains("kindling.codec.java.max-depth=20"), e.getMessage());
    }

    @Test
    void longArraysAndManyReferencesAreRefused() throws Exception {
        byte[] array = encode(new long[10_000]);
        IOException e = assertThrows(IOException.class, () -> codec(Map.of("kindling.codec.java.max-array-length",
                "1000")).decode(array, 0, array.length, null));
        assertTrue(e.getMessage().contains("max-array-length"), e.getMessage());
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(new Link(null));
        }
        byte[] refs = encode(new ArrayList<>(many));
        IOException r = assertThrows(IOException.class, () -> codec(Map.of("kindling.codec.java.max-references",
                "100")).decode(refs, 0, refs.length, null));
        assertTrue(r.getMessage().contains("max-references"), r.getMessage());
    }

    @Test
    void allowListRefusesOtherPackages() throws Exception {
        byte[] bytes = encode(new Link(null));
        Codec strict = codec(Map.of("kindling.codec.java.allow-packages", "com.example"));
        IOException e = assertThrows(IOException.class, () -> strict.decode(bytes, 0, bytes.length, null));
        assertTrue(e.getMessage().contains(Link.class.getName()) && e.getMessage().contains("allow-packages"),
                e.getMessage());
        Codec allowing = codec(Map.of("kindling.codec.java.allow-packages", "io.kindling.core"));
        assertTrue(allowing.decode(bytes, 0, bytes.length, null) instanceof Link);
        byte[] jdk = encode(new int[] {1, 2});
        assertEquals(2, ((int[]) strict.decode(jdk, 0, jdk.length, null)).length);
    }

    @Test
    void everydayValuesHaveFormsOfTheirOwnAndKeepTheirClasses() throws Exception {
        Codec codec = codec(Map.of());
        List<Object> values = new ArrayList<>(java.util.Arrays.asList(null, true, false, (byte) 3, (short) -4, 'c',
                42, -7L, Long.MIN_VALUE, 2.5f, 2.5, "text", "x".repeat(20_000), "\uD800 unpaired, \u00e9, \u20ac, \0",
                java.util.UUID.randomUUID(), java.util.concurrent.TimeUnit.SECONDS, List.of(), List.of(1, "a"),
                java.util.stream.Stream.of(1, null).toList(), new ArrayList<>(List.of(1, 2)), Set.of("a"),
                new java.util.HashSet<>(Set.of(1)), new java.util.LinkedHashSet<>(List.of(3, 1, 2)), Map.of("k", 1),
                new java.util.HashMap<>(Map.of(1, "x")), new java.util.LinkedHashMap<>(Map.of("a", List.of(1))),
                new io.kindling.api.NodeAddress(io.kindling.api.NodeName.parse("a@127.0.0.1"), "127.0.0.1", 9)));
        for (Object value : values) {
            byte[] bytes = encode(value);
            assertFalse(javaSerialized(bytes), "Java serialization used for " + value);
            Object back = codec.decode(bytes, 0, bytes.length, null);
            assertEquals(value, back);
            assertEquals(value == null ? null : value.getClass(), back == null ? null : back.getClass());
        }
        for (Object array : new Object[] {new byte[] {1, -2}, new int[] {3, -4}, new long[] {5, -6},
                new double[] {7.5, -8}}) {
            byte[] bytes = encode(array);
            assertFalse(javaSerialized(bytes));
            Object back = codec.decode(bytes, 0, bytes.length, null);
            assertEquals(java.util.Arrays.deepToString(new Object[] {array}),
                    java.util.Arrays.deepToString(new Object[] {back}));
        }
        assertEquals(2, encode(42).length, "tag and a varint");
        String text = "a".repeat(100);
        byte[] payload = new byte[1024];
        io.kindling.api.RemoteCallable<Integer> task = () -> text.length() + payload.length;
        byte[] bytes = encode(task);
        assertFalse(javaSerialized(bytes), "a lambda capturing everyday values needs no Java serialization");
        assertEquals(1124, ((io.kindling.api.RemoteCallable<?>) codec.decode(bytes, 0, bytes.length, null)).call());
        IOException bad = assertThrows(IOException.class, () -> codec.decode(new byte[] {99}, 0, 1, null));
        assertTrue(bad.getMessage().contains("unknown tag 99"), bad.getMessage());
    }

    @Test
    void javaSerializationStillCarriesOrdinaryGraphs() throws Exception {
        Codec codec = codec(Map.of());
        Node parent = new Node("parent", new ArrayList<>());
        Node child = new Node("child", new ArrayList<>());
        parent.children.add(child);
        child.children.add(parent); // a cycle
        java.util.HashMap<String, Object> fields = new java.util.HashMap<>(Map.of("n", 1, "when",
                java.time.Instant.parse("2026-11-30T00:00:00Z"), "big", new java.math.BigDecimal("1.50")));
        Object[] values = {parent, java.util.Collections.unmodifiableList(new ArrayList<>(List.of("a", "b"))),
            new java.util.TreeMap<>(Map.of("k", List.of(1, 2))), new Holder(fields, new int[] {1, 2}),
            new java.util.concurrent.ConcurrentHashMap<>(Map.of("x", "y")), new IllegalStateException("boom")};
        for (Object value : values) {
            byte[] bytes = encode(value);
            assertTrue(javaSerialized(bytes), value.getClass() + " takes the fallback");
            Object back = codec.decode(bytes, 0, bytes.length, null);
            assertEquals(value.getClass(), back.getClass());
            if (value instanceof Node) {
                Node decoded = (Node) back;
                assertTrue(decoded.children.get(0).children.get(0) == decoded, "the cycle is kept");
            } else if (value instanceof Throwable t) {
                assertEquals(t.getMessage(), ((Throwable) back).getMessage());
            } else {
                assertEquals(value, back);
            }
        }
    }

    /** A class with a cycle, through Java serialization. */
    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final List<Node> children;

        Node(String name, List<Node> children) {
            this.name = name;
            this.children = children;
        }
    }

    record Holder(Map<String, Object> fields, int[] numbers) implements Serializable {
        @Override
        public boolean equals(Object other) {
            return other instanceof Holder h && fields.equals(h.fields)
                    && java.util.Arrays.equals(numbers, h.numbers);
        }

        @Override
        public int hashCode() {
            return fields.hashCode();
        }
    }

    private static boolean javaSerialized(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xAC && bytes[i + 1] == (byte) 0xED) {
                return true;
            }
        }
        return false;
    }

    record Link(Link next) implements Serializable {
    }
}
