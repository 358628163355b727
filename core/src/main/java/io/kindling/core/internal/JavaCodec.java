package io.kindling.core.internal;

import io.kindling.api.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.List;

/**
 * Java serialization behind a filter that bounds depth, references, array length and bytes, and optionally allows
 * only listed packages. A refused stream fails with an {@link IOException} that names the limit and its setting.
 */
final class JavaCodec implements Codec {

    private static final List<String> ALWAYS_ALLOWED = List.of("java.", "javax.", "io.kindling.api.", "io.kindling.core.");

    private final long maxDepth;
    private final long maxReferences;
    private final long maxArrayLength;
    private final long maxBytes;
    private final List<String> allowedPrefixes;

    JavaCodec(long maxDepth, long maxReferences, long maxArrayLength, long maxBytes, List<String> allowPackages) {
        this.maxDepth = maxDepth;
        this.maxReferences = maxReferences;
        this.maxArrayLength = maxArrayLength;
        this.maxBytes = maxBytes;
        this.allowedPrefixes = allowPackages.stream().map(p -> p.endsWith(".") ? p : p + ".").toList();
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(value);
        objects.flush();
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        Limits limits = new Limits();
        try (ObjectInputStream objects = new LoaderObjectInputStream(
                new ByteArrayInputStream(bytes, offset, length), loader)) {
            objects.setObjectInputFilter(limits);
            return objects.readObject();
        } catch (InvalidClassException e) {
            if (limits.refusal != null) {
                throw new InvalidObjectException("Refused to decode: " + limits.refusal);
            }
            throw e;
        }
    }

    /** The filter; remembers why it refused, for the error message. One instance per decoded value. */
    private final class Limits implements ObjectInputFilter {
        String refusal;

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > maxDepth) {
                return refuse("object graph depth " + info.depth() + " exceeds kindling.codec.java.max-depth="
                        + maxDepth);
            }
            if (info.references() > maxReferences) {
                return refuse("more than " + maxReferences
                        + " object references (kindling.codec.java.max-references)");
            }
            if (info.arrayLength() > maxArrayLength) {
                return refuse("array of length " + info.arrayLength()
                        + " exceeds kindling.codec.java.max-array-length=" + maxArrayLength);
            }
            if (info.streamBytes() > maxBytes) {
                return refuse("value larger than kindling.codec.java.max-bytes=" + maxBytes + " bytes");
            }
            Class<?> type = info.serialClass();
            if (type != null && !allowedPrefixes.isEmpty()) {
                while (type.isArray()) {
                    type = type.getComponentType();
                }
                if (!type.isPrimitive() && !allowed(type.getName())) {
                    return refuse("class " + type.getName()
                            + " is not in kindling.codec.java.allow-packages=" + String.join(",", allowedPrefixes));
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

    private boolean allowed(String className) {
        for (String prefix : ALWAYS_ALLOWED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        for (String prefix : allowedPrefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
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
