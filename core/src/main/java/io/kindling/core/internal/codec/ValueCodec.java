package io.kindling.core.internal.codec;

import io.kindling.api.spi.Codec;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.OutputStream;

/**
 * The {@code java} codec: Java values in {@linkplain ValueFormat a compact form of their own} (primitives and
 * their boxes, strings, primitive arrays, UUIDs, enums, public records, lists, sets and maps of those, and
 * serializable lambdas with what they capture), and Java serialization, {@linkplain SerialFallback scanned and
 * filtered}, for other {@code Serializable} values. Decoding is bounded by the bytes received and the
 * {@link CodecPolicy}; it allocates nothing a length field alone asks for and keeps nothing between values but
 * the classes it resolved.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class ValueCodec implements Codec {

    private final CodecPolicy policy;
    private volatile CodecPolicy.Classes classes;

    /**
     * A codec.
     *
     * @param policy its limits and allowed classes
     */
    public ValueCodec(CodecPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
        ByteOutput target = out instanceof ByteOutput direct ? direct : new ByteOutput(128);
        new ValueWriter(target, policy.maxDepth()).value(value);
        if (target != out) {
            target.writeTo(out);
        }
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        if (length < 1) {
            throw new InvalidObjectException("Refused to decode: empty value");
        }
        if (length > policy.maxBytes()) {
            throw new InvalidObjectException("Refused to decode: value of " + length
                    + " bytes larger than kindling.codec.java.max-bytes=" + policy.maxBytes() + " bytes");
        }
        CodecPolicy.Classes resolver = classes;
        if (resolver == null || !resolver.servesLoader(loader)) {
            resolver = new CodecPolicy.Classes(policy, loader);
            classes = resolver;
        }
        return new ValueReader(bytes, offset, length, policy, resolver, loader).whole();
    }
}
