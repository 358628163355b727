package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;

/**
 * Provides the {@code java} codec: Java serialization, decoded through an {@code ObjectInputFilter}.
 *
 * <p>Settings under {@code kindling.codec.java}: {@code max-depth} (100), {@code max-references} (1,000,000),
 * {@code max-array-length} (16,777,216), {@code max-bytes} (the frame limit, 64 MiB), {@code allow-packages}
 * (empty: every class; else only classes of those packages and their subpackages, plus {@code java.*},
 * {@code javax.*}, {@code io.kindling.api} and core's {@code SystemTasks}).
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
        return new JavaCodec(maxDepth, maxReferences, maxArrayLength, maxBytes, config.getList("allow-packages"));
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
