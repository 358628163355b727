package io.kindling.core.internal.codec;

import io.kindling.core.internal.code.Lambdas;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code java} codec's value format: a one-byte tag, then the value. Everyday values have a form of their
 * own, written without {@code ObjectOutputStream}; anything else {@code Serializable} is Java serialization.
 *
 * <pre>
 * NULL FALSE TRUE                     no body
 * BYTE SHORT CHAR FLOAT DOUBLE        fixed width, big-endian
 * INT LONG                            zig-zag varint
 * STRING                              varint char count, modified UTF-8
 * BYTES INTS LONGS DOUBLES            varint length, the elements
 * UUID                                two longs
 * ENUM                                class name (STRING body), constant name
 * ARRAY_LIST LIST_OF HASH_SET LINKED_SET SET_OF
 *                                     varint count, the values
 * HASH_MAP LINKED_MAP MAP_OF          varint count, key and value pairs
 * RECORD                              class name, varint count, the components
 * LAMBDA                              capturing class, interface, its method and descriptor, implementation
 *                                     kind (varint), class, method and descriptor, instantiated type, varint
 *                                     count, the captured values
 * SERIALIZED                          varint length, a Java serialization stream
 * </pre>
 * Records are written in this form when their class is public in an exported package (so their accessors and
 * canonical constructor are public); other records, like every other class, are serialized.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class ValueFormat {

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int CHAR = 5;
    static final int INT = 6;
    static final int LONG = 7;
    static final int FLOAT = 8;
    static final int DOUBLE = 9;
    static final int STRING = 10;
    static final int BYTES = 11;
    static final int INTS = 12;
    static final int LONGS = 13;
    static final int DOUBLES = 14;
    static final int UUID_TAG = 15;
    static final int ENUM = 16;
    static final int ARRAY_LIST = 17;
    static final int LIST_OF = 18;
    static final int HASH_SET = 19;
    static final int LINKED_SET = 20;
    static final int SET_OF = 21;
    static final int HASH_MAP = 22;
    static final int LINKED_MAP = 23;
    static final int MAP_OF = 24;
    static final int RECORD = 25;
    static final int LAMBDA = 26;
    static final int SERIALIZED = 27;
    /** Not a tag: a class with no form of its own. */
    static final int OTHER = -1;

    private static final Map<Class<?>, Integer> FIXED = fixed();

    private ValueFormat() {
    }

    private static Map<Class<?>, Integer> fixed() {
        Map<Class<?>, Integer> tags = new HashMap<>();
        tags.put(Boolean.class, TRUE);
        tags.put(Byte.class, BYTE);
        tags.put(Short.class, SHORT);
        tags.put(Character.class, CHAR);
        tags.put(Integer.class, INT);
        tags.put(Long.class, LONG);
        tags.put(Float.class, FLOAT);
        tags.put(Double.class, DOUBLE);
        tags.put(String.class, STRING);
        tags.put(byte[].class, BYTES);
        tags.put(int[].class, INTS);
        tags.put(long[].class, LONGS);
        tags.put(double[].class, DOUBLES);
        tags.put(UUID.class, UUID_TAG);
        tags.put(ArrayList.class, ARRAY_LIST);
        tags.put(List.of().getClass(), LIST_OF);
        tags.put(List.of(1).getClass(), LIST_OF);
        tags.put(HashSet.class, HASH_SET);
        tags.put(LinkedHashSet.class, LINKED_SET);
        tags.put(Set.of().getClass(), SET_OF);
        tags.put(Set.of(1).getClass(), SET_OF);
        tags.put(HashMap.class, HASH_MAP);
        tags.put(LinkedHashMap.class, LINKED_MAP);
        tags.put(Map.of().getClass(), MAP_OF);
        tags.put(Map.of(1, 1).getClass(), MAP_OF);
        return Map.copyOf(tags);
    }

    /** The tag each class is written with; {@link #OTHER} for serialization or refusal. */
    static final ClassValue<Integer> TAGS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            Integer fixed = FIXED.get(type);
            if (fixed != null) {
                return fixed;
            }
            if (Enum.class.isAssignableFrom(type)) {
                return ENUM;
            }
            if (Lambdas.isLambda(type)) {
                return LAMBDA;
            }
            if (type.isRecord() && RECORDS.get(type) != null) {
                return RECORD;
            }
            return OTHER;
        }
    };

    /** How to take a record apart and build it again. */
    record RecordShape(MethodHandle[] accessors, MethodHandle constructor) {
    }

    /** A public record's shape; {@code null} when its members are not public to this module. */
    static final ClassValue<RecordShape> RECORDS = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            if (!type.isRecord() || !Serializable.class.isAssignableFrom(type)) {
                return null;
            }
            try {
                RecordComponent[] components = type.getRecordComponents();
                MethodHandle[] accessors = new MethodHandle[components.length];
                Class<?>[] types = new Class<?>[components.length];
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                for (int i = 0; i < components.length; i++) {
                    accessors[i] = lookup.unreflect(components[i].getAccessor())
                            .asType(MethodType.methodType(Object.class, Object.class));
                    types[i] = components[i].getType();
                }
                MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class, types))
                        .asSpreader(Object[].class, types.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
                return new RecordShape(accessors, constructor);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    static String tagName(int tag) {
        return tag >= 0 && tag <= SERIALIZED ? List.of("NULL", "FALSE", "TRUE", "BYTE", "SHORT", "CHAR", "INT",
                "LONG", "FLOAT", "DOUBLE", "STRING", "BYTES", "INTS", "LONGS", "DOUBLES", "UUID", "ENUM",
                "ARRAY_LIST", "LIST_OF", "HASH_SET", "LINKED_SET", "SET_OF", "HASH_MAP", "LINKED_MAP", "MAP_OF",
                "RECORD", "LAMBDA", "SERIALIZED").get(tag) : "unknown tag " + tag;
    }
}
