package io.kindling.core.internal.provider;

import io.kindling.api.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java serialization behind a filter that bounds depth, references, array length and bytes, and optionally allows
 * only listed packages. A refused stream fails with an {@link IOException} that names the limit and its setting.
 *
 * <p>Two fast paths keep serialization off the hot path of small calls. Each value starts with a one-byte tag:
 * {@code null}, {@code Boolean}, {@code Integer}, {@code Long}, {@code Double} and strings up to 16 KiB are written
 * directly; a <em>stateless</em> serializable object (no instance fields in its class hierarchy, such as a lambda
 * that captures nothing) is serialized once per class, and decoded once per distinct byte form, then reused, which
 * is safe because it holds no state. Everything else is plain Java serialization.
 */
final class JavaCodec implements Codec {

    private static final List<String> ALWAYS_ALLOWED = List.of("java.", "javax.", "io.kindling.api.", "io.kindling.core.SystemTasks");

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

    private static final int TAG_SERIALIZED = 0;
    private static final int TAG_NULL = 1;
    private static final int TAG_FALSE = 2;
    private static final int TAG_TRUE = 3;
    private static final int TAG_INT = 4;
    private static final int TAG_LONG = 5;
    private static final int TAG_DOUBLE = 6;
    private static final int TAG_STRING = 7;
    private static final int TAG_STATELESS = 8;
    private static final int MAX_DIRECT_STRING = 16 * 1024;
    private static final int STATELESS_CACHE_SIZE = 256;

    /** Whether a class is serializable and has no instance fields, so all its instances are alike. */
    private static final ClassValue<Boolean> STATELESS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return Serializable.class.isAssignableFrom(type) && !hasInstanceFields(type);
        }
    };
    /** The serialized form of each stateless class seen; an empty array when it would not serialize. */
    private final Map<Class<?>, byte[]> statelessBytes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<ByteBuffer, Object> statelessDecoded = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Object> eldest) {
            return size() > STATELESS_CACHE_SIZE;
        }
    };

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
        switch (value) {
            case null -> out.write(TAG_NULL);
            case Boolean b -> out.write(b ? TAG_TRUE : TAG_FALSE);
            case Integer i -> {
                out.write(TAG_INT);
                new DataOutputStream(out).writeInt(i);
            }
            case Long l -> {
                out.write(TAG_LONG);
                new DataOutputStream(out).writeLong(l);
            }
            case Double d -> {
                out.write(TAG_DOUBLE);
                new DataOutputStream(out).writeDouble(d);
            }
            case String text when text.length() <= MAX_DIRECT_STRING -> {
                out.write(TAG_STRING);
                new DataOutputStream(out).writeUTF(text);
            }
            default -> {
                if (STATELESS.get(value.getClass())) {
                    byte[] form = statelessBytes.computeIfAbsent(value.getClass(), type -> {
                        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
                        try {
                            serialize(value, buffer);
                        } catch (IOException e) {
                            return new byte[0];
                        }
                        return buffer.toByteArray();
                    });
                    if (form.length > 0) {
                        out.write(TAG_STATELESS);
                        out.write(form);
                        return;
                    }
                }
                out.write(TAG_SERIALIZED);
                serialize(value, out);
            }
        }
    }

    private static void serialize(Object value, OutputStream out) throws IOException {
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(value);
        objects.flush();
    }

    private static boolean hasInstanceFields(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        if (length < 1) {
            throw new InvalidObjectException("Refused to decode: empty value");
        }
        int tag = bytes[offset];
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes, offset + 1, length - 1));
        try {
            return switch (tag) {
                case TAG_NULL -> null;
                case TAG_FALSE -> Boolean.FALSE;
                case TAG_TRUE -> Boolean.TRUE;
                case TAG_INT -> data.readInt();
                case TAG_LONG -> data.readLong();
                case TAG_DOUBLE -> data.readDouble();
                case TAG_STRING -> data.readUTF();
                case TAG_SERIALIZED -> deserialize(bytes, offset + 1, length - 1, loader);
                case TAG_STATELESS -> decodeStateless(bytes, offset + 1, length - 1, loader);
                default -> throw new InvalidObjectException("Refused to decode: unknown value tag " + tag);
            };
        } catch (java.io.EOFException e) {
            throw new InvalidObjectException("Refused to decode: value truncated");
        }
    }

    private Object decodeStateless(byte[] bytes, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        ByteBuffer key = ByteBuffer.wrap(bytes, offset, length).slice();
        synchronized (statelessDecoded) {
            Object cached = statelessDecoded.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Object value = deserialize(bytes, offset, length, loader);
        // Reuse only what really holds no state, whatever the sender claimed.
        if (value != null && !hasInstanceFields(value.getClass())) {
            byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            synchronized (statelessDecoded) {
                statelessDecoded.put(ByteBuffer.wrap(copy), value);
            }
        }
        return value;
    }

    private Object deserialize(byte[] bytes, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        if (length > maxBytes) {
            // The filter sees a large primitive array only as one object, before its bytes: bound the input here.
            throw new InvalidObjectException("Refused to decode: value of " + length
                    + " bytes larger than kindling.codec.java.max-bytes=" + maxBytes + " bytes");
        }
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
