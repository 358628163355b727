package io.kindling.core.internal.codec;

import static io.kindling.core.internal.codec.ValueFormat.*;

import io.kindling.core.internal.code.Lambdas;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one value in the {@linkplain ValueFormat codec's format} into a growing array.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class ValueWriter extends OutputStream {

    private final long maxDepth;
    private byte[] buf = new byte[128];
    private int n;
    private int depth;

    ValueWriter(long maxDepth) {
        this.maxDepth = maxDepth;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, n);
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
    }

    private void fixed(long v, int bytes) {
        ensure(bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            buf[n++] = (byte) (v >>> shift);
        }
    }

    /** A string: char count, then each char as modified UTF-8 (so unpaired surrogates survive). */
    void string(String s) {
        int length = s.length();
        if (s.indexOf(0) < 0) {
            byte[] utf = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (utf.length == length) { // ASCII without NUL: modified UTF-8 is the same bytes
                varint(length);
                write(utf, 0, length);
                return;
            }
        }
        varint(length);
        ensure(3 * length);
        byte[] b = buf;
        int at = n;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 1 && c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        n = at;
    }

    void value(Object value) throws IOException {
        if (value == null) {
            write(NULL);
            return;
        }
        int tag = TAGS.get(value.getClass());
        switch (tag) {
            case TRUE -> write((Boolean) value ? TRUE : FALSE);
            case BYTE -> {
                write(BYTE);
                write((Byte) value);
            }
            case SHORT -> {
                write(SHORT);
                fixed((Short) value, 2);
            }
            case CHAR -> {
                write(CHAR);
                fixed((Character) value, 2);
            }
            case INT -> {
                write(INT);
                int v = (Integer) value;
                varint(((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL);
            }
            case LONG -> {
                write(LONG);
                long v = (Long) value;
                varint((v << 1) ^ (v >> 63));
            }
            case FLOAT -> {
                write(FLOAT);
                fixed(Float.floatToRawIntBits((Float) value), 4);
            }
            case DOUBLE -> {
                write(DOUBLE);
                fixed(Double.doubleToRawLongBits((Double) value), 8);
            }
            case STRING -> {
                write(STRING);
                string((String) value);
            }
            case BYTES -> {
                byte[] bytes = (byte[]) value;
                write(BYTES);
                varint(bytes.length);
                write(bytes, 0, bytes.length);
            }
            case INTS -> {
                int[] ints = (int[]) value;
                write(INTS);
                varint(ints.length);
                for (int v : ints) {
                    fixed(v, 4);
                }
            }
            case LONGS -> {
                long[] longs = (long[]) value;
                write(LONGS);
                varint(longs.length);
                for (long v : longs) {
                    fixed(v, 8);
                }
            }
            case DOUBLES -> {
                double[] doubles = (double[]) value;
                write(DOUBLES);
                varint(doubles.length);
                for (double v : doubles) {
                    fixed(Double.doubleToRawLongBits(v), 8);
                }
            }
            case UUID_TAG -> {
                UUID uuid = (UUID) value;
                write(UUID_TAG);
                fixed(uuid.getMostSignificantBits(), 8);
                fixed(uuid.getLeastSignificantBits(), 8);
            }
            case ENUM -> {
                Enum<?> constant = (Enum<?>) value;
                write(ENUM);
                string(constant.getDeclaringClass().getName());
                string(constant.name());
            }
            case ARRAY_LIST, LIST_OF, HASH_SET, LINKED_SET, SET_OF -> {
                Collection<?> collection = (Collection<?>) value;
                write(tag);
                nested(() -> {
                    varint(collection.size());
                    for (Object element : collection) {
                        value(element);
                    }
                });
            }
            case HASH_MAP, LINKED_MAP, MAP_OF -> {
                Map<?, ?> map = (Map<?, ?>) value;
                write(tag);
                nested(() -> {
                    varint(map.size());
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        value(entry.getKey());
                        value(entry.getValue());
                    }
                });
            }
            case RECORD -> record(value);
            case LAMBDA -> lambda(value);
            default -> serialized(value);
        }
    }

    private interface Body {
        void write() throws IOException;
    }

    private void nested(Body body) throws IOException {
        if (++depth > maxDepth) {
            throw new NotSerializableException("value nests deeper than kindling.codec.java.max-depth="
                    + maxDepth);
        }
        try {
            body.write();
        } finally {
            depth--;
        }
    }

    private void record(Object value) throws IOException {
        RecordShape shape = RECORDS.get(value.getClass());
        write(RECORD);
        string(value.getClass().getName());
        nested(() -> {
            varint(shape.accessors().length);
            for (var accessor : shape.accessors()) {
                try {
                    value(accessor.invoke(value));
                } catch (IOException | RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IOException("Cannot read a component of " + value.getClass().getName() + ": " + e, e);
                }
            }
        });
    }

    /** Each lambda class's header: everything of its serialized form but the captured values. */
    private static final ClassValue<AtomicReference<byte[]>> HEADERS = new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
            return new AtomicReference<>();
        }
    };

    private void lambda(Object value) throws IOException {
        SerializedLambda form = Lambdas.serialized(value);
        AtomicReference<byte[]> cached = HEADERS.get(value.getClass());
        byte[] header = cached.get();
        if (header == null) {
            ValueWriter h = new ValueWriter(maxDepth);
            h.string(form.getCapturingClass().replace('/', '.'));
            h.string(form.getFunctionalInterfaceClass());
            h.string(form.getFunctionalInterfaceMethodName());
            h.string(form.getFunctionalInterfaceMethodSignature());
            h.varint(form.getImplMethodKind());
            h.string(form.getImplClass());
            h.string(form.getImplMethodName());
            h.string(form.getImplMethodSignature());
            h.string(form.getInstantiatedMethodType());
            header = Arrays.copyOf(h.buf, h.n);
            cached.set(header);
        }
        write(LAMBDA);
        varint(header.length);
        write(header, 0, header.length);
        nested(() -> {
            varint(form.getCapturedArgCount());
            for (int i = 0; i < form.getCapturedArgCount(); i++) {
                value(form.getCapturedArg(i));
            }
        });
    }

    private void serialized(Object value) throws IOException {
        if (!(value instanceof Serializable)) {
            throw new NotSerializableException(value.getClass().getName() + " is not Serializable; a task, what it"
                    + " captures and its result must be serializable");
        }
        write(SERIALIZED);
        ValueWriter stream = new ValueWriter(maxDepth);
        SerialFallback.write(value, stream);
        varint(stream.n);
        write(stream.buf, 0, stream.n);
    }
}
