package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaCodecFilterTest {

    private static Codec codec(Map<String, String> settings) {
        return Plugins.create(CodecProvider.class, "java", Config.of(settings), null);
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

    record Link(Link next) implements Serializable {
    }
}
