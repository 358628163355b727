package io.kindling.core.internal.codec;

import io.kindling.core.internal.code.Lambdas;
import java.lang.invoke.SerializedLambda;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lambda's header as decoded: its capturing class and the parts of its serialized form that do not change from
 * one call to the next. {@link Cache} keeps the headers seen, so a repeated lambda is not parsed again.
 *
 * <p>Internal: not part of Kindling's API.
 */
record LambdaHeader(Class<?> capturing, String functionalInterface, String interfaceMethod,
        String interfaceSignature, int implKind, String implClass, String implMethod, String implSignature,
        String instantiatedType) {

    Object resolve(Object[] captured) {
        return Lambdas.resolve(new SerializedLambda(capturing, functionalInterface, interfaceMethod,
                interfaceSignature, implKind, implClass, implMethod, implSignature, instantiatedType, captured),
                capturing);
    }

    /**
     * The headers seen, by their bytes: at most {@value #MAX_ENTRIES}, each at most {@value #MAX_KEY_BYTES} bytes;
     * when full, it starts over. Only headers that resolved their capturing class are kept.
     */
    static final class Cache {
        static final int MAX_ENTRIES = 1024;
        static final int MAX_KEY_BYTES = 2048;

        private final ConcurrentHashMap<Key, LambdaHeader> headers = new ConcurrentHashMap<>();

        LambdaHeader get(byte[] bytes, int offset, int length) {
            return length > MAX_KEY_BYTES ? null : headers.get(new Key(bytes, offset, length));
        }

        void put(byte[] bytes, int offset, int length, LambdaHeader header) {
            if (length > MAX_KEY_BYTES) {
                return;
            }
            if (headers.size() >= MAX_ENTRIES) {
                headers.clear();
            }
            headers.put(new Key(Arrays.copyOfRange(bytes, offset, offset + length), 0, length), header);
        }
    }

    /** Bytes compared by content, without copying them for a lookup. */
    private static final class Key {
        private final byte[] bytes;
        private final int offset;
        private final int length;
        private final int hash;

        Key(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            // The tail holds the implementation method's name and types, which tell lambdas apart; equals compares
            // everything.
            int h = length;
            for (int i = Math.max(offset, offset + length - 48); i < offset + length; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && Arrays.equals(bytes, offset, offset + length, that.bytes,
                    that.offset, that.offset + that.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
