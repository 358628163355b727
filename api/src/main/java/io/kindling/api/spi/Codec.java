package io.kindling.api.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns tasks, results and exceptions into bytes and back. The runtime only decodes frames from peers that have
 * passed the handshake; a codec must still treat its input as untrusted and bound what decoding may allocate.
 * Implementations are thread-safe.
 */
public interface Codec {

    /**
     * Writes one value.
     *
     * @param value the value; may be {@code null}
     * @param out where to write; the runtime frames what is written
     * @throws IOException if the value cannot be encoded (e.g. {@link java.io.NotSerializableException})
     */
    void encode(Object value, OutputStream out) throws IOException;

    /**
     * Reads one value written by {@link #encode}.
     *
     * @param bytes the buffer
     * @param offset where the value starts
     * @param length how many bytes it has
     * @param loader the class loader to resolve classes with
     * @return the value
     * @throws IOException if the bytes are malformed or refused by a filter (the message says which limit)
     * @throws ClassNotFoundException if a class is not on this node's path
     */
    Object decode(byte[] bytes, int offset, int length, ClassLoader loader) throws IOException, ClassNotFoundException;
}
