package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void smallValuesAndStatelessTasksTakeTheFastPaths() throws Exception {
        Codec codec = codec(Map.of());
        for (Object value : new Object[] {null, true, false, 42, -7L, 2.5, "text", "x".repeat(20_000)}) {
            byte[] bytes = encode(value);
            assertEquals(value, codec.decode(bytes, 0, bytes.length, null));
        }
        assertEquals(5, encode(42).length, "tag + int, no serialization");
        io.kindling.api.RemoteCallable<Integer> stateless = () -> 7;
        byte[] first = encode(stateless);
        byte[] second = encode(stateless);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
        Object decoded = codec.decode(first, 0, first.length, null);
        assertTrue(decoded == codec.decode(second, 0, second.length, null), "a stateless task decodes once");
        assertEquals(7, ((io.kindling.api.RemoteCallable<?>) decoded).call());
        int captured = 9;
        io.kindling.api.RemoteCallable<Integer> capturing = () -> captured;
        byte[] withState = encode(capturing);
        assertTrue(codec.decode(withState, 0, withState.length, null)
                != codec.decode(withState, 0, withState.length, null), "a task with state is decoded anew");
        IOException bad = assertThrows(IOException.class, () -> codec.decode(new byte[] {99}, 0, 1, null));
        assertTrue(bad.getMessage().contains("unknown value tag"), bad.getMessage());
    }

    record Link(Link next) implements Serializable {
    }
}
