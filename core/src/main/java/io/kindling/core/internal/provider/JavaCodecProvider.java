package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;
import io.kindling.core.internal.codec.CodecPolicy;
import io.kindling.core.internal.codec.ValueCodec;

/**
 * Provides the {@code java} codec ({@link ValueCodec}): everyday Java values and lambdas in a compact form of
 * their own, Java serialization (scanned and filtered) for other serializable values.
 *
 * <p>Settings under {@code kindling.codec.java}: {@code max-depth} (100), {@code max-references} (1,000,000),
 * {@code max-array-length} (16,777,216), {@code max-bytes} (the frame limit, 64 MiB), {@code allow-packages}
 * (empty: every class; else only classes of those packages and their subpackages, plus
 * {@code io.kindling.api} and core's {@code SystemTasks}). Of the JDK's classes only values and collections are
 * decoded; {@link CodecPolicy} lists them.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class JavaCodecProvider implements CodecProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public JavaCodecProvider() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Codec create(Config config) {
        long maxDepth = positive(config, "max-depth", 100);
        long maxReferences = positive(config, "max-references", 1_000_000);
        long maxArrayLength = positive(config, "max-array-length", 16_777_216);
        long maxBytes = config.get("max-bytes").filter(v -> !v.isBlank()).isPresent()
                ? config.getBytes("max-bytes", 64L << 20) : 64L << 20;
        if (maxBytes <= 0) {
            throw new ConfigException(config.fullKey("max-bytes"), "Setting " + config.fullKey("max-bytes")
                    + " must be positive");
        }
        return new ValueCodec(new CodecPolicy(maxDepth, maxReferences, maxArrayLength, maxBytes,
                config.getList("allow-packages")));
    }

    private static long positive(Config config, String key, long defaultValue) {
        long value = config.getLong(key, defaultValue);
        if (value <= 0) {
            throw new ConfigException(config.fullKey(key), "Setting " + config.fullKey(key) + " = " + value
                    + " must be positive");
        }
        return value;
    }
}
