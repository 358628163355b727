package io.kindling.core.internal.code;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Just enough of a class-file reader to fingerprint one method's code: the constant pool, the methods' Code
 * attributes and the bootstrap methods. The JDK's {@code java.lang.classfile} is not in Java 21.
 *
 * <p>A method's fingerprint is a SHA-256 over its instructions, with every constant-pool operand replaced by what
 * the entry says (a class name, a member's owner, name and type, a constant's value, a bootstrap method and its
 * arguments) and its exception table likewise. So it changes when what the method does changes, and not when
 * unrelated code of the class shifts the pool, or when only line numbers move.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class ClassFile {

    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int FIELD = 9;
    private static final int METHOD = 10;
    private static final int INTERFACE_METHOD = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int METHOD_TYPE = 16;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int MODULE = 19;
    private static final int PACKAGE = 20;

    private final ByteBuffer bytes;
    private final int[] offsets;
    private final int[] tags;
    private final int methodsAt;
    private int[] bootstrapOffsets;

    /**
     * Parses the constant pool and finds the methods.
     *
     * @throws IllegalArgumentException if the bytes are not a class file this reader understands
     */
    ClassFile(byte[] classFile) {
        this.bytes = ByteBuffer.wrap(classFile);
        try {
            if (bytes.getInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            bytes.position(8);
            int count = bytes.getShort() & 0xFFFF;
            offsets = new int[count];
            tags = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = bytes.get() & 0xFF;
                tags[i] = tag;
                offsets[i] = bytes.position();
                switch (tag) {
                    case UTF8 -> bytes.position(bytes.position() + 2 + (bytes.getShort() & 0xFFFF));
                    case INTEGER, FLOAT, FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC ->
                            skip(4);
                    case LONG, DOUBLE -> {
                        skip(8);
                        i++;
                    }
                    case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> skip(2);
                    case METHOD_HANDLE -> skip(3);
                    default -> throw new IllegalArgumentException("unknown constant tag " + tag);
                }
            }
            skip(6); // access, this, super
            skip(2 * (bytes.getShort() & 0xFFFF)); // interfaces
            skipMembers(); // fields
            methodsAt = bytes.position();
            skipMembers();
            int attributes = bytes.getShort() & 0xFFFF;
            for (int a = 0; a < attributes; a++) {
                String name = utf8(bytes.getShort() & 0xFFFF);
                int length = bytes.getInt();
                int end = bytes.position() + length;
                if (name.equals("BootstrapMethods")) {
                    int n = bytes.getShort() & 0xFFFF;
                    bootstrapOffsets = new int[n];
                    for (int b = 0; b < n; b++) {
                        bootstrapOffsets[b] = bytes.position();
                        skip(2);
                        skip(2 * (bytes.getShort() & 0xFFFF));
                    }
                }
                bytes.position(end);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed class file: " + e, e);
        }
    }

    /**
     * The fingerprint of one method's code.
     *
     * @param name the method's name
     * @param descriptor its descriptor
     * @return 32 bytes, or {@code null} if the class has no such method with code
     */
    byte[] methodDigest(String name, String descriptor) {
        bytes.position(methodsAt);
        int count = bytes.getShort() & 0xFFFF;
        for (int m = 0; m < count; m++) {
            skip(2);
            String methodName = utf8(bytes.getShort() & 0xFFFF);
            String methodDescriptor = utf8(bytes.getShort() & 0xFFFF);
            int attributes = bytes.getShort() & 0xFFFF;
            boolean match = methodName.equals(name) && methodDescriptor.equals(descriptor);
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8(bytes.getShort() & 0xFFFF);
                int length = bytes.getInt();
                int end = bytes.position() + length;
                if (match && attribute.equals("Code")) {
                    return digestCode();
                }
                bytes.position(end);
            }
        }
        return null;
    }

    /** A SHA-256 over a whole class file. */
    static byte[] digest(byte[] classFile) {
        return sha256().digest(classFile);
    }

    private byte[] digestCode() {
        Canonical out = new Canonical();
        skip(4); // max stack and locals: follow from the code
        int length = bytes.getInt();
        int start = bytes.position();
        int end = start + length;
        while (bytes.position() < end) {
            int at = bytes.position() - start;
            int op = bytes.get() & 0xFF;
            out.write(op);
            switch (op) {
                case 0x10, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc -> copy(out, 1);
                case 0x11, 0x84 -> copy(out, 2);
                case 0x12 -> out.constant(this, bytes.get() & 0xFF);
                case 0x13, 0x14, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1 ->
                        out.constant(this, bytes.getShort() & 0xFFFF);
                case 0xb9 -> {
                    out.constant(this, bytes.getShort() & 0xFFFF);
                    skip(2);
                }
                case 0xba -> {
                    out.constant(this, bytes.getShort() & 0xFFFF);
                    skip(2);
                }
                case 0xc5 -> {
                    out.constant(this, bytes.getShort() & 0xFFFF);
                    copy(out, 1);
                }
                case 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
                        0xc6, 0xc7 -> copy(out, 2);
                case 0xc8, 0xc9 -> copy(out, 4);
                case 0xc4 -> {
                    int widened = bytes.get() & 0xFF;
                    out.write(widened);
                    copy(out, widened == 0x84 ? 4 : 2);
                }
                case 0xaa -> {
                    skip((4 - ((at + 1) % 4)) % 4);
                    copy(out, 4);
                    int low = bytes.getInt();
                    int high = bytes.getInt();
                    out.writeInt(low);
                    out.writeInt(high);
                    copy(out, 4 * (high - low + 1));
                }
                case 0xab -> {
                    skip((4 - ((at + 1) % 4)) % 4);
                    copy(out, 4);
                    int pairs = bytes.getInt();
                    out.writeInt(pairs);
                    copy(out, 8 * pairs);
                }
                default -> {
                    if (op > 0xc9) {
                        throw new IllegalArgumentException("unknown opcode " + op);
                    }
                }
            }
        }
        int handlers = bytes.getShort() & 0xFFFF;
        for (int h = 0; h < handlers; h++) {
            copy(out, 6);
            int type = bytes.getShort() & 0xFFFF;
            if (type == 0) {
                out.writeUTF("finally");
            } else {
                out.constant(this, type);
            }
        }
        return out.digest();
    }

    private void copy(Canonical out, int n) {
        byte[] chunk = new byte[n];
        bytes.get(chunk);
        out.write(chunk, 0, n);
    }

    private void skip(int n) {
        bytes.position(bytes.position() + n);
    }

    private void skipMembers() {
        int count = bytes.getShort() & 0xFFFF;
        for (int i = 0; i < count; i++) {
            skip(6);
            int attributes = bytes.getShort() & 0xFFFF;
            for (int a = 0; a < attributes; a++) {
                skip(2);
                skip(bytes.getInt());
            }
        }
    }

    private String utf8(int index) {
        if (index <= 0 || index >= tags.length || tags[index] != UTF8) {
            throw new IllegalArgumentException("constant " + index + " is not a string");
        }
        int at = offsets[index];
        int length = bytes.getShort(at) & 0xFFFF;
        // Modified UTF-8 differs from UTF-8 only for NUL and supplementary characters; a fingerprint only needs
        // the same bytes to give the same text.
        return new String(bytes.array(), at + 2, length, StandardCharsets.UTF_8);
    }

    private int u2(int at) {
        return bytes.getShort(at) & 0xFFFF;
    }

    /** Writes what a constant-pool entry says, resolving references, for the fingerprint. */
    private void describe(Canonical out, int index, int depth) {
        if (index <= 0 || index >= tags.length || depth > 8) {
            throw new IllegalArgumentException("bad constant reference " + index);
        }
        int at = offsets[index];
        int tag = tags[index];
        out.write(tag);
        switch (tag) {
            case UTF8 -> out.writeUTF(utf8(index));
            case INTEGER, FLOAT -> out.writeInt(bytes.getInt(at));
            case LONG, DOUBLE -> out.writeLong(bytes.getLong(at));
            case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> describe(out, u2(at), depth + 1);
            case FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE -> {
                describe(out, u2(at), depth + 1);
                describe(out, u2(at + 2), depth + 1);
            }
            case METHOD_HANDLE -> {
                out.write(bytes.get(at));
                describe(out, u2(at + 1), depth + 1);
            }
            case DYNAMIC, INVOKE_DYNAMIC -> {
                int bootstrap = u2(at);
                if (bootstrapOffsets == null || bootstrap >= bootstrapOffsets.length) {
                    throw new IllegalArgumentException("bad bootstrap method " + bootstrap);
                }
                int b = bootstrapOffsets[bootstrap];
                describe(out, u2(b), depth + 1);
                int arguments = u2(b + 2);
                for (int i = 0; i < arguments; i++) {
                    describe(out, u2(b + 4 + 2 * i), depth + 1);
                }
                describe(out, u2(at + 2), depth + 1);
            }
            default -> throw new IllegalArgumentException("unknown constant tag " + tag);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The canonical form of a method, fed to the digest. */
    private static final class Canonical extends ByteArrayOutputStream {
        private final DataOutputStream data = new DataOutputStream(this);

        void constant(ClassFile file, int index) {
            file.describe(this, index, 0);
        }

        void writeInt(int v) {
            try {
                data.writeInt(v);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void writeLong(long v) {
            try {
                data.writeLong(v);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void writeUTF(String s) {
            byte[] utf = s.getBytes(StandardCharsets.UTF_8);
            writeInt(utf.length);
            write(utf, 0, utf.length);
        }

        byte[] digest() {
            return sha256().digest(Arrays.copyOf(buf, count));
        }
    }
}
