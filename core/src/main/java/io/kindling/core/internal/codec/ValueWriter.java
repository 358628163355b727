package io.kindling.core.internal.codec;

import static io.kindling.core.internal.codec.ValueFormat.*;

import io.kindling.core.internal.code.Lambdas;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one value in the {@linkplain ValueFormat codec's format} into a growing array.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class ValueWriter {

    private final ByteOutput out;
    private final long maxDepth;
    private int depth;

    ValueWriter(ByteOutput out, long maxDepth) {
        this.out = out;
        this.maxDepth = maxDepth;
    }

    private void write(int b) {
        out.write(b);
    }

    private void write(byte[] b, int off, int len) {
        out.write(b, off, len);
    }

    private void varint(long v) {
        out.varint(v);
    }

    private void fixed(long v, int bytes) {
        out.fixed(v, bytes);
    }

    private void string(String s) {
        out.string(s);
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
            ByteOutput h = new ByteOutput(256);
            h.string(form.getCapturingClass().replace('/', '.'));
            h.string(form.getFunctionalInterfaceClass());
            h.string(form.getFunctionalInterfaceMethodName());
            h.string(form.getFunctionalInterfaceMethodSignature());
            h.varint(form.getImplMethodKind());
            h.string(form.getImplClass());
            h.string(form.getImplMethodName());
            h.string(form.getImplMethodSignature());
            h.string(form.getInstantiatedMethodType());
            header = h.toByteArray();
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
        ByteOutput stream = new ByteOutput(512);
        SerialFallback.write(value, stream);
        varint(stream.size());
        write(stream.buf, 0, stream.size());
    }
}
