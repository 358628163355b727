package io.kindling.core.internal.codec;

import static io.kindling.core.internal.codec.ValueFormat.*;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads one value in the {@linkplain ValueFormat codec's format}. Every count is checked against the bytes left
 * before anything is allocated, so what it allocates is bounded by what arrived; there are no references between
 * values, so nothing is counted twice; classes are resolved without being initialized (an enum's class is
 * initialized to find its constant) and only as the {@link CodecPolicy} allows.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class ValueReader {

    private final byte[] b;
    private int at;
    private final int end;
    private final CodecPolicy policy;
    private final CodecPolicy.Classes classes;
    private final LambdaHeader.Cache headers;
    private final ClassLoader loader;
    private int depth;
    private long objects;

    ValueReader(byte[] bytes, int offset, int length, CodecPolicy policy, CodecPolicy.Classes classes,
            ClassLoader loader) {
        this.b = bytes;
        this.at = offset;
        this.end = offset + length;
        this.policy = policy;
        this.classes = classes;
        this.headers = classes.lambdaHeaders();
        this.loader = loader;
    }

    Object whole() throws IOException, ClassNotFoundException {
        Object value = value();
        if (at != end) {
            throw refuse((end - at) + " bytes after the value");
        }
        return value;
    }

    private static InvalidObjectException refuse(String why) {
        return new InvalidObjectException("Refused to decode: " + why);
    }

    private int left() {
        return end - at;
    }

    private int u8() throws InvalidObjectException {
        if (at >= end) {
            throw refuse("value truncated");
        }
        return b[at++] & 0xFF;
    }

    private long fixed(int bytes) throws InvalidObjectException {
        if (left() < bytes) {
            throw refuse("value truncated");
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (b[at++] & 0xFF);
        }
        return v;
    }

    private long varint() throws InvalidObjectException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int next = u8();
            v |= (long) (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                return v;
            }
        }
        throw refuse("varint longer than 10 bytes");
    }

    /** A count of things that each take at least {@code width} bytes: checked against what is left. */
    private int count(int width, String what) throws InvalidObjectException {
        long count = varint();
        if (count < 0 || count * width > left()) {
            throw refuse(what + " of " + count + " declared, but only " + left() + " bytes follow");
        }
        if (count > policy.maxArrayLength()) {
            throw refuse(what + " of " + count + " exceeds kindling.codec.java.max-array-length="
                    + policy.maxArrayLength());
        }
        return (int) count;
    }

    String string() throws InvalidObjectException {
        int length = count(1, "string");
        int start = at;
        int stop = start + length;
        boolean ascii = true;
        for (int i = start; i < stop; i++) {
            if (b[i] <= 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            at = stop;
            return new String(b, start, length, StandardCharsets.ISO_8859_1);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            int c = u8();
            if (c < 0x80 && c != 0) {
                chars[i] = (char) c;
            } else if ((c & 0xE0) == 0xC0) {
                chars[i] = (char) (((c & 0x1F) << 6) | continuation());
            } else if ((c & 0xF0) == 0xE0) {
                chars[i] = (char) (((c & 0x0F) << 12) | (continuation() << 6) | continuation());
            } else {
                throw refuse("malformed string");
            }
        }
        return new String(chars);
    }

    private int continuation() throws InvalidObjectException {
        int c = u8();
        if ((c & 0xC0) != 0x80) {
            throw refuse("malformed string");
        }
        return c & 0x3F;
    }

    Object value() throws IOException, ClassNotFoundException {
        if (++objects > policy.maxReferences()) {
            throw refuse("more than " + policy.maxReferences() + " objects (kindling.codec.java.max-references)");
        }
        int tag = u8();
        return switch (tag) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case BYTE -> (byte) u8();
            case SHORT -> (short) fixed(2);
            case CHAR -> (char) fixed(2);
            case INT -> {
                int v = (int) varint();
                yield (v >>> 1) ^ -(v & 1);
            }
            case LONG -> {
                long v = varint();
                yield (v >>> 1) ^ -(v & 1);
            }
            case FLOAT -> Float.intBitsToFloat((int) fixed(4));
            case DOUBLE -> Double.longBitsToDouble(fixed(8));
            case STRING -> string();
            case BYTES -> {
                int length = count(1, "byte array");
                at += length;
                yield Arrays.copyOfRange(b, at - length, at);
            }
            case INTS -> {
                int[] ints = new int[count(4, "int array")];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = (int) fixed(4);
                }
                yield ints;
            }
            case LONGS -> {
                long[] longs = new long[count(8, "long array")];
                for (int i = 0; i < longs.length; i++) {
                    longs[i] = fixed(8);
                }
                yield longs;
            }
            case DOUBLES -> {
                double[] doubles = new double[count(8, "double array")];
                for (int i = 0; i < doubles.length; i++) {
                    doubles[i] = Double.longBitsToDouble(fixed(8));
                }
                yield doubles;
            }
            case UUID_TAG -> new UUID(fixed(8), fixed(8));
            case ENUM -> constant();
            case ARRAY_LIST -> collection(new ArrayList<>());
            case LIST_OF -> immutableList();
            case HASH_SET -> collection(new HashSet<>());
            case LINKED_SET -> collection(new LinkedHashSet<>());
            case SET_OF -> immutableSet();
            case HASH_MAP -> map(new HashMap<>());
            case LINKED_MAP -> map(new LinkedHashMap<>());
            case MAP_OF -> immutableMap();
            case RECORD -> record();
            case LAMBDA -> lambda();
            case SERIALIZED -> {
                int length = count(1, "serialized value");
                at += length;
                yield SerialFallback.read(b, at - length, length, policy, loader);
            }
            default -> throw refuse(tagName(tag));
        };
    }

    private void enter() throws InvalidObjectException {
        if (++depth > policy.maxDepth()) {
            throw refuse("value nests deeper than kindling.codec.java.max-depth=" + policy.maxDepth());
        }
    }

    private <C extends Collection<Object>> C collection(C into) throws IOException, ClassNotFoundException {
        enter();
        int count = count(1, "collection");
        for (int i = 0; i < count; i++) {
            into.add(value());
        }
        depth--;
        return into;
    }

    private List<Object> immutableList() throws IOException, ClassNotFoundException {
        List<Object> elements = collection(new ArrayList<>());
        // List.of refuses nulls; Stream.toList gives the same class and keeps them.
        return elements.contains(null) ? elements.stream().toList() : List.copyOf(elements);
    }

    /** Set.of holds no null: an encoder never writes one there, so one is hostile input, refused. */
    private Set<Object> immutableSet() throws IOException, ClassNotFoundException {
        List<Object> elements = collection(new ArrayList<>());
        if (elements.contains(null)) {
            throw refuse("an immutable set (Set.of) holding null");
        }
        return Set.copyOf(elements);
    }

    /** Map.of holds no null key or value: one is hostile input, refused. */
    private Map<Object, Object> immutableMap() throws IOException, ClassNotFoundException {
        Map<Object, Object> entries = map(new HashMap<>());
        if (entries.containsKey(null) || entries.containsValue(null)) {
            throw refuse("an immutable map (Map.of) holding a null key or value");
        }
        return Map.copyOf(entries);
    }

    private <M extends Map<Object, Object>> M map(M into) throws IOException, ClassNotFoundException {
        enter();
        int count = count(2, "map");
        for (int i = 0; i < count; i++) {
            Object key = value();
            into.put(key, value());
        }
        depth--;
        return into;
    }

    private Object constant() throws IOException, ClassNotFoundException {
        Class<?> type = classes.resolve(string());
        String name = string();
        if (!type.isEnum()) {
            throw refuse(type.getName() + " is not an enum");
        }
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new InvalidObjectException("Enum " + type.getName() + " has no constant " + name + " here");
    }

    private Object record() throws IOException, ClassNotFoundException {
        Class<?> type = classes.resolve(string());
        RecordShape shape = RECORDS.get(type);
        if (shape == null) {
            throw refuse(type.getName() + " is not a public serializable record here");
        }
        enter();
        int count = count(1, "record");
        if (count != shape.accessors().length) {
            throw new java.io.InvalidClassException(type.getName(), "the caller's record has " + count
                    + " components, this node's " + shape.accessors().length);
        }
        Object[] components = new Object[count];
        for (int i = 0; i < count; i++) {
            components[i] = value();
        }
        depth--;
        try {
            return shape.constructor().invoke(components);
        } catch (ClassCastException | NullPointerException e) {
            throw new java.io.InvalidClassException(type.getName(), "components do not fit its constructor: " + e);
        } catch (Throwable e) {
            InvalidObjectException refused = new InvalidObjectException("Record " + type.getName()
                    + " refused its components: " + e);
            refused.initCause(e);
            throw refused;
        }
    }

    private Object lambda() throws IOException, ClassNotFoundException {
        int headerLength = count(1, "lambda header");
        LambdaHeader header = headers.get(b, at, headerLength);
        if (header == null) {
            int headerEnd = at + headerLength;
            Class<?> capturing = classes.resolve(string());
            header = new LambdaHeader(capturing, string(), string(), string(), (int) varint(), string(), string(),
                    string(), string());
            if (at != headerEnd) {
                throw refuse("malformed lambda header");
            }
            headers.put(b, headerEnd - headerLength, headerLength, header);
        } else {
            at += headerLength;
        }
        enter();
        int count = count(1, "captured values");
        Object[] captured = new Object[count];
        for (int i = 0; i < count; i++) {
            captured[i] = value();
        }
        depth--;
        try {
            return header.resolve(captured);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ClassNotFoundException("No lambda " + header.implMethod() + header.implSignature() + " in "
                    + header.capturing().getName() + " here (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            // the class's $deserializeLambda$ met captured values that do not fit (too few, a null for an int)
            InvalidObjectException refused = refuse("a lambda " + header.implMethod() + " whose " + count
                    + " captured values do not fit it (" + e + ")");
            refused.initCause(e);
            throw refused;
        }
    }
}
