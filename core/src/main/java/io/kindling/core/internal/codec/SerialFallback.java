package io.kindling.core.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/**
 * Java serialization, for the values the codec has no form of its own for. Decoding first {@linkplain SerialScan
 * scans} the stream, then reads it through a filter that applies the {@link CodecPolicy}: depth, references,
 * array length, bytes and the classes allowed.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class SerialFallback {

    private SerialFallback() {
    }

    static void write(Object value, OutputStream out) throws IOException {
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(value);
        objects.flush();
    }

    static Object read(byte[] bytes, int offset, int length, CodecPolicy policy, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        if (length > policy.maxBytes()) {
            throw new InvalidObjectException("Refused to decode: value of " + length
                    + " bytes larger than kindling.codec.java.max-bytes=" + policy.maxBytes() + " bytes");
        }
        SerialScan.check(bytes, offset, length, policy);
        Limits limits = new Limits(policy);
        try (ObjectInputStream objects = new LoaderObjectInputStream(
                new ByteArrayInputStream(bytes, offset, length), loader)) {
            objects.setObjectInputFilter(limits);
            return objects.readObject();
        } catch (InvalidClassException e) {
            if (limits.refusal != null) {
                throw new InvalidObjectException("Refused to decode: " + limits.refusal);
            }
            throw e;
        } catch (RuntimeException e) {
            // A class's own readObject met fields it cannot take (BigInteger with no magnitude, say): malformed input
            InvalidObjectException refused = new InvalidObjectException("Refused to decode: a serialized value its "
                    + "class could not read back (" + e + ")");
            refused.initCause(e);
            throw refused;
        }
    }

    /** The filter; remembers why it refused, for the error message. One instance per decoded value. */
    private static final class Limits implements ObjectInputFilter {
        private final CodecPolicy policy;
        String refusal;

        Limits(CodecPolicy policy) {
            this.policy = policy;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > policy.maxDepth()) {
                return refuse("object graph depth " + info.depth() + " exceeds kindling.codec.java.max-depth="
                        + policy.maxDepth());
            }
            if (info.references() > policy.maxReferences()) {
                return refuse("more than " + policy.maxReferences()
                        + " object references (kindling.codec.java.max-references)");
            }
            if (info.arrayLength() > policy.maxArrayLength()) {
                return refuse("array of length " + info.arrayLength()
                        + " exceeds kindling.codec.java.max-array-length=" + policy.maxArrayLength());
            }
            if (info.streamBytes() > policy.maxBytes()) {
                return refuse("value larger than kindling.codec.java.max-bytes=" + policy.maxBytes() + " bytes");
            }
            Class<?> type = info.serialClass();
            if (type != null) {
                String why = policy.refusal(type);
                if (why != null) {
                    return refuse(why);
                }
            }
            return Status.UNDECIDED;
        }

        private Status refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
            return Status.REJECTED;
        }
    }

    /** Resolves classes with the node's class loader rather than the caller's. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(ByteArrayInputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass descriptor) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(descriptor.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // primitives and classes only the default mechanism finds
                }
            }
            return super.resolveClass(descriptor);
        }
    }
}
