package io.kindling.core.internal.wire;

import io.kindling.api.IncompatibleCodeException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeName;
import io.kindling.api.TooManyTasksException;
import io.kindling.api.spi.Codec;
import io.kindling.core.internal.code.CodeFingerprint;
import io.kindling.core.internal.codec.ByteOutput;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Frame layout after the handshake: {@code int length} (of what follows), {@code byte type}, then the body.
 * Bodies: CALL {@code long id} + task; CAST task; RESULT {@code long id} + encoded value; FAILURE
 * {@code long id} + {@code int n} + n bytes of the encoded exception + the encoded {@code RemoteFailure} copy;
 * REFUSED {@code long id} + reason (a task that did not run: {@code 1} code incompatible, then class, method,
 * caller's and node's fingerprints and a detail as modified UTF-8; {@code 2} too many tasks, then {@code int} limit);
 * CANCEL, PING, PONG {@code long id}; TICK empty. A task is {@code unsigned short n} + n bytes of its
 * {@linkplain CodeFingerprint code fingerprint} + the encoded task.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Frames {

    static final int CALL = 1;
    static final int CAST = 2;
    static final int RESULT = 3;
    static final int FAILURE = 4;
    static final int CANCEL = 5;
    static final int TICK = 6;
    static final int PING = 7;
    static final int PONG = 8;
    static final int REFUSED = 9;
    /** The sender closes the connection on purpose (it is closing, or disconnects): not a failure. */
    static final int BYE = 10;

    private static final int REFUSED_CODE = 1;
    private static final int REFUSED_TOO_MANY = 2;

    static final int HEADER = 5;

    private Frames() {
    }

    static String typeName(int type) {
        return switch (type) {
            case CALL -> "CALL";
            case CAST -> "CAST";
            case RESULT -> "RESULT";
            case FAILURE -> "FAILURE";
            case CANCEL -> "CANCEL";
            case TICK -> "TICK";
            case PING -> "PING";
            case PONG -> "PONG";
            case REFUSED -> "REFUSED";
            case BYE -> "BYE";
            default -> "unknown type " + type;
        };
    }

    /** A frame with an id and no body. */
    static byte[] control(int type, long id) {
        Buffer buffer = new Buffer(HEADER + 8);
        buffer.begin(type);
        buffer.writeLong(id);
        return buffer.finish(Long.MAX_VALUE);
    }

    static byte[] tick() {
        return empty(TICK);
    }

    static byte[] bye() {
        return empty(BYE);
    }

    private static byte[] empty(int type) {
        Buffer buffer = new Buffer(HEADER);
        buffer.begin(type);
        return buffer.finish(Long.MAX_VALUE);
    }

    /**
     * A frame carrying an encoded value.
     *
     * @throws IOException if the codec cannot encode the value
     * @throws KindlingException if the frame would exceed the limit
     */
    static byte[] withValue(int type, long id, boolean hasId, Codec codec, Object value, long maxFrame)
            throws IOException {
        Buffer buffer = new Buffer(256);
        buffer.begin(type);
        if (hasId) {
            buffer.writeLong(id);
        }
        codec.encode(value, buffer);
        return buffer.finish(maxFrame);
    }

    /**
     * A CALL or CAST frame: the task's code fingerprint, then the task.
     *
     * @throws IOException if the codec cannot encode the task
     * @throws KindlingException if the frame would exceed the limit
     */
    static byte[] task(int type, long id, Codec codec, Object task, long maxFrame) throws IOException {
        byte[] fingerprint;
        try {
            fingerprint = CodeFingerprint.bytesOf(task);
        } catch (RuntimeException e) {
            throw new IOException("cannot fingerprint the code of " + task.getClass().getName() + ": " + e, e);
        }
        Buffer buffer = new Buffer(256);
        buffer.begin(type);
        if (type == CALL) {
            buffer.writeLong(id);
        }
        buffer.write(fingerprint.length >>> 8);
        buffer.write(fingerprint.length);
        buffer.write(fingerprint, 0, fingerprint.length);
        codec.encode(task, buffer);
        return buffer.finish(maxFrame);
    }

    /** A REFUSED frame for a task whose code differs here. */
    static byte[] refusedCode(long id, IncompatibleCodeException e) {
        Buffer buffer = new Buffer(256);
        buffer.begin(REFUSED);
        buffer.writeLong(id);
        buffer.write(REFUSED_CODE);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeUTF(e.className());
            out.writeUTF(e.method());
            out.writeUTF(e.callerFingerprint());
            out.writeUTF(e.nodeFingerprint());
            String detail = e.detail();
            out.writeUTF(detail.length() > 1000 ? detail.substring(0, 1000) + "…" : detail);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return buffer.finish(Long.MAX_VALUE);
    }

    /** A REFUSED frame for a call beyond the limit of running tasks. */
    static byte[] refusedTooMany(long id, int limit) {
        Buffer buffer = new Buffer(HEADER + 13);
        buffer.begin(REFUSED);
        buffer.writeLong(id);
        buffer.write(REFUSED_TOO_MANY);
        buffer.writeInt(limit);
        return buffer.finish(Long.MAX_VALUE);
    }

    /** The exception a REFUSED body stands for; a malformed one is a plain {@link KindlingException}. */
    static KindlingException readRefusal(byte[] body, NodeName peer) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, 9, body.length - 9));
            return switch (body[8]) {
                case REFUSED_CODE -> new IncompatibleCodeException(peer, in.readUTF(), in.readUTF(), in.readUTF(),
                        in.readUTF(), in.readUTF());
                case REFUSED_TOO_MANY -> new TooManyTasksException(peer, in.readInt());
                default -> new KindlingException("Node " + peer + " refused the call for an unknown reason "
                        + body[8]);
            };
        } catch (IOException e) {
            return new KindlingException("Node " + peer + " refused the call; its reason was malformed: " + e);
        }
    }

    /** A FAILURE frame: the exception itself if it encodes, and always a {@code RemoteFailure} copy. */
    static byte[] failure(long id, Codec codec, Throwable error, Object copy, long maxFrame) throws IOException {
        Buffer buffer = new Buffer(1024);
        buffer.begin(FAILURE);
        buffer.writeLong(id);
        int lengthAt = buffer.size();
        buffer.writeInt(0);
        int start = buffer.size();
        try {
            codec.encode(error, buffer);
        } catch (IOException | RuntimeException e) {
            buffer.truncate(start);
        }
        buffer.patchInt(lengthAt, buffer.size() - start);
        codec.encode(copy, buffer);
        return buffer.finish(maxFrame);
    }

    /** A growable buffer whose first five bytes are the frame header; the codec writes into it directly. */
    static final class Buffer extends ByteOutput {
        Buffer(int size) {
            super(size);
        }

        void begin(int type) {
            truncate(0);
            writeInt(0);
            write(type);
        }

        byte[] finish(long maxFrame) {
            long length = size() - 4L;
            if (length > maxFrame) {
                throw new KindlingException("Frame of " + length + " bytes exceeds kindling.frame.max-size="
                        + maxFrame + "; send less data per call, or raise the limit on both nodes");
            }
            patchInt(0, (int) length);
            return toByteArray();
        }
    }

    static long readLong(byte[] b, int at) {
        return ((long) readInt(b, at) << 32) | (readInt(b, at + 4) & 0xFFFFFFFFL);
    }

    static int readShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /**
     * Reads exactly {@code length} bytes into a buffer that starts at {@code initial} bytes and doubles as bytes
     * arrive: memory follows what was received, not what a peer declared.
     *
     * @param in the stream
     * @param length how many bytes
     * @param initial the first buffer's size
     * @param progress run after each read that returned bytes (a liveness timestamp)
     * @return the bytes
     * @throws java.io.EOFException if the stream ends first
     * @throws IOException if reading fails
     */
    static byte[] readGrowing(java.io.InputStream in, int length, int initial, Runnable progress) throws IOException {
        byte[] bytes = new byte[Math.min(length, initial)];
        int read = 0;
        while (read < length) {
            if (read == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            int n = in.read(bytes, read, bytes.length - read);
            if (n < 0) {
                throw new java.io.EOFException("the stream ended after " + read + " of " + length + " bytes");
            }
            read += n;
            progress.run();
        }
        return bytes;
    }
}
