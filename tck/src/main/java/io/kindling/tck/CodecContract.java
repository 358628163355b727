package io.kindling.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteFailure;
import io.kindling.api.spi.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Codec}: values, tasks and exceptions round trip; what cannot be encoded is refused with
 * an {@link IOException}; malformed or hostile input is refused with an {@link IOException} (never another
 * exception, never a hang); input over the codec's size limit is refused and the message names the limit.
 */
public abstract class CodecContract {

    /** How long one decode of hostile input may take before the contract calls it a hang. */
    private static final Duration DECODE_BOUND = Duration.ofSeconds(5);

    /** {@return the codec under test, with its default settings} */
    protected abstract Codec codec();

    /** For the {@code CodecContractTest} of each codec. */
    protected CodecContract() {
    }

    /**
     * A codec that refuses an encoded value larger than {@code maxBytes}.
     *
     * @param maxBytes the limit
     * @return the codec
     */
    protected abstract Codec codecLimitedTo(int maxBytes);

    /** {@return a value the codec cannot encode; the java codec: an object that is not serializable} */
    protected abstract Object unencodable();

    private Object roundTrip(Codec codec, Object value) throws Exception {
        byte[] bytes = encode(codec, value);
        byte[] framed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        return codec.decode(framed, 3, bytes.length, getClass().getClassLoader());
    }

    private static byte[] encode(Codec codec, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(value, out);
        return out.toByteArray();
    }

    @Test
    void valuesRoundTripAtAnyOffset() throws Exception {
        Codec codec = codec();
        assertNull(roundTrip(codec, null));
        assertEquals("héllo", roundTrip(codec, "héllo"));
        assertEquals(42L, roundTrip(codec, 42L));
        assertEquals(List.of(1, 2, 3), roundTrip(codec, new ArrayList<>(List.of(1, 2, 3))));
        assertEquals(Map.of("k", "v"), roundTrip(codec, new java.util.HashMap<>(Map.of("k", "v"))));
        byte[] bytes = new byte[1024];
        new Random(7).nextBytes(bytes);
        assertArrayEquals(bytes, (byte[]) roundTrip(codec, bytes));
    }

    @Test
    void tasksRoundTripAndRun() throws Exception {
        String captured = "x".repeat(100);
        RemoteCallable<Integer> task = () -> captured.length();
        RemoteCallable<?> decoded = assertInstanceOf(RemoteCallable.class, roundTrip(codec(), task));
        assertEquals(100, decoded.call());
    }

    @Test
    void exceptionsAndTheirCopiesRoundTrip() throws Exception {
        IllegalStateException original = new IllegalStateException("boom");
        Throwable decoded = assertInstanceOf(IllegalStateException.class, roundTrip(codec(), original));
        assertEquals("boom", decoded.getMessage());
        assertTrue(decoded.getStackTrace().length > 0, "the stack trace travels");
        RemoteFailure copy = assertInstanceOf(RemoteFailure.class, roundTrip(codec(), RemoteFailure.copyOf(original)));
        assertTrue(copy.getMessage().contains("boom"), copy.getMessage());
    }

    @Test
    void whatCannotBeEncodedIsRefusedWithAnIoException() {
        assertThrows(IOException.class, () -> encode(codec(), unencodable()));
    }

    @Test
    void malformedInputIsRefusedWithAnIoException() throws Exception {
        Codec codec = codec();
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(256)];
            random.nextBytes(garbage);
            assertDecodeRefused(codec, garbage, garbage.length);
        }
        byte[] valid = encode(codec, new ArrayList<>(List.of("a", "b", "c")));
        for (int cut = 0; cut < valid.length; cut += Math.max(1, valid.length / 20)) {
            assertDecodeRefused(codec, valid, cut);
        }
    }

    @Test
    void inputOverTheSizeLimitIsRefusedAndTheMessageNamesIt() throws Exception {
        Codec limited = codecLimitedTo(4096);
        byte[] big = encode(codec(), new byte[64 * 1024]);
        IOException refused = assertThrows(IOException.class,
                () -> limited.decode(big, 0, big.length, getClass().getClassLoader()));
        assertTrue(refused.getMessage() != null && refused.getMessage().contains("4096"),
                "the message names the limit: " + refused.getMessage());
        byte[] small = encode(limited, "fits");
        assertEquals("fits", limited.decode(small, 0, small.length, getClass().getClassLoader()));
    }

    private void assertDecodeRefused(Codec codec, byte[] bytes, int length) {
        assertTimeoutPreemptively(DECODE_BOUND, () -> {
            try {
                codec.decode(bytes, 0, length, getClass().getClassLoader());
            } catch (IOException expected) {
                return; // refused, as it must be
            } catch (ClassNotFoundException e) {
                return; // a class name that resolves to nothing: refused too
            }
            // Random bytes can, rarely, be a valid encoding of something: only an exception other than these fails.
        }, () -> "decoding " + length + " bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(length, 16)))
                + "... did not end within " + DECODE_BOUND);
    }
}
