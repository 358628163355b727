package io.kindling.core.internal.codec;

import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the seed inputs of {@link ValueCodecFuzzTest}: one encoded value of each kind the codec knows. Run once
 * when the encoding changes (the seeds are kept in the repository):
 * {@code java -cp <test class path> io.kindling.core.internal.codec.CodecSeeds <inputs directory>}.
 */
public final class CodecSeeds {

    private CodecSeeds() {
    }

    /** A record, as applications send. */
    public record Order(String id, int quantity, List<String> tags, Map<String, Long> prices)
            implements java.io.Serializable {
    }

    /** An enum constant. */
    public enum Colour { RED, GREEN }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String captured = "captured";
        RemoteCallable<Integer> lambda = () -> captured.length();
        List<Object> values = new ArrayList<>(List.of("héllo", 42, 42L, 3.5d, true, 'c', (byte) 7, (short) 9,
                new byte[] {1, 2, 3}, new int[] {1, 2}, UUID.fromString("0e1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8"),
                Colour.GREEN, new ArrayList<>(List.of(1, "two", 3L)), List.of("a", "b"),
                new LinkedHashSet<>(List.of("x", "y")), new LinkedHashMap<>(Map.of("k", 1)), Map.of("a", List.of()),
                new Order("o-1", 3, List.of("fast"), Map.of("eur", 1200L)), NodeName.parse("app@10.0.0.7"), lambda,
                new IllegalStateException("boom"), RemoteFailure.copyOf(new IllegalArgumentException("bad")),
                java.time.Duration.ofSeconds(5), new java.math.BigDecimal("12.50")));
        values.add(null);
        int i = 0;
        for (Object value : values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ValueCodecFuzzTest.CODEC.encode(value, out);
            Files.write(dir.resolve("seed-" + (++i) + "-" + (value == null ? "null"
                    : value.getClass().getSimpleName().replaceAll("[^A-Za-z0-9]", ""))), out.toByteArray());
        }
    }
}
