package io.kindling.core.internal.codec;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growing byte array to write into, without the locks of {@code ByteArrayOutputStream}. The codec writes a value
 * straight into one when it is given one (the wire's frame buffers are), so a value is copied once, into the frame.
 *
 * <p>Internal: not part of Kindling's API.
 */
public class ByteOutput extends OutputStream {

    byte[] buf;
    int n;

    /**
     * An empty output.
     *
     * @param size the initial capacity
     */
    public ByteOutput(int size) {
        buf = new byte[Math.max(16, size)];
    }

    final void ensure(int more) {
        if (n + more > buf.length) {
            // A large write (a byte array, typically last in a frame) grows to exactly what it needs, so that
            // toByteArray can often hand over the array without copying it.
            buf = Arrays.copyOf(buf, more >= buf.length ? n + more : Math.max(buf.length * 2, n + more));
        }
    }

    @Override
    public final void write(int b) {
        ensure(1);
        buf[n++] = (byte) b;
    }

    @Override
    public final void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    /** {@return how many bytes were written} */
    public final int size() {
        return n;
    }

    /**
     * Forgets what was written after a point.
     *
     * @param size the size to go back to
     */
    public final void truncate(int size) {
        n = size;
    }

    /**
     * Writes a big-endian int.
     *
     * @param v the value
     */
    public final void writeInt(int v) {
        fixed(v, 4);
    }

    /**
     * Writes a big-endian long.
     *
     * @param v the value
     */
    public final void writeLong(long v) {
        fixed(v, 8);
    }

    /**
     * Overwrites a big-endian int written earlier.
     *
     * @param at where it starts
     * @param v the value
     */
    public final void patchInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /**
     * {@return what was written: the array itself when it is exactly full, else a copy; write nothing more after}
     */
    public final byte[] toByteArray() {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    final void writeTo(OutputStream out) throws java.io.IOException {
        out.write(buf, 0, n);
    }

    final void fixed(long v, int bytes) {
        ensure(bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            buf[n++] = (byte) (v >>> shift);
        }
    }

    final void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
    }

    /** A string: char count, then each char as modified UTF-8 (so NUL and unpaired surrogates survive). */
    final void string(String s) {
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
}
