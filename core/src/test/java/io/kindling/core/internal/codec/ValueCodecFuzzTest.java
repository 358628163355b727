package io.kindling.core.internal.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.testsupport.FuzzBudget;
import java.io.IOException;
import java.util.List;

/**
 * Fuzzes the task and result decoder, the new encoding and the Java-serialization fallback behind its filter
 * ({@link #CODEC}), as a node decodes what a peer sends: the only exceptions are the documented refusals ({@link IOException}, and
 * {@link ClassNotFoundException} for a name that resolves to nothing), and each input's decoding stays within
 * {@link #BUDGET}: 200 ms plus 50 µs per byte, 4 MiB plus 512 bytes allocated per input byte. Inputs:
 * {@code src/test/resources/io/kindling/core/internal/codec/ValueCodecFuzzTestInputs/decode}, a value of every kind
 * encoded by the codec itself ({@link CodecSeeds}), and what fuzzing found.
 */
class ValueCodecFuzzTest {

    static final FuzzBudget BUDGET = new FuzzBudget(200, 50, 4L << 20, 512);

    /**
     * The java codec with its default limits and the application's package list: what a node decodes with when
     * {@code kindling.codec.java.allow-packages} names the application's packages (here, the seeds' own). With no list
     * a node decodes every serializable class, as its peers may run any code anyway (they hold the cookie); Jazzer's
     * deserialization sanitizer rightly reports that, so the fuzz target checks the filter instead.
     */
    static final ValueCodec CODEC = new ValueCodec(new CodecPolicy(100, 1_000_000, 16_777_216, 64L << 20,
            List.of("io.kindling.core.internal.codec")));

    @FuzzTest(maxDuration = "10m")
    void decode(FuzzedDataProvider data) throws Exception {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            BUDGET.check(bytes.length, "decoding", () -> CODEC.decode(bytes, 0, bytes.length,
                    ValueCodecFuzzTest.class.getClassLoader()));
        } catch (IOException | ClassNotFoundException refused) {
            // the documented refusals
        }
    }
}
