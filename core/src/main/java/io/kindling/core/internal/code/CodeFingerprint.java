package io.kindling.core.internal.code;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.SerializedLambda;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What code a task runs, so that a node never runs a task against other code than the caller's, like a BEAM fun
 * that carries its module's checksum and fails with {@code badfun} against other code.
 *
 * <p>For a serializable lambda: its implementation method's class, name and descriptor, and the
 * {@linkplain ClassFile fingerprint of that method's code}. For a task class: its name and a SHA-256 of its class
 * file. Methods of the JDK's own classes (a method reference such as {@code Integer::parseInt}), the tasks of
 * Kindling's own packages ({@code SystemTasks}, the region query) and classes with no class file to read are not
 * fingerprinted: their digest is empty.
 *
 * <p>The wire form ({@link #bytes()}) is: modified-UTF-8 class, method and descriptor (method and descriptor empty
 * for a class), one byte digest length, the digest (the first 16 bytes of the SHA-256).
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param className the class whose code runs (binary name, dots)
 * @param method the lambda's implementation method; empty for a task class
 * @param descriptor the method's descriptor; empty for a task class
 * @param digest what the code hashes to; empty when not fingerprinted
 */
public record CodeFingerprint(String className, String method, String descriptor, byte[] digest) {

    /** Bytes of the SHA-256 kept. */
    static final int DIGEST_BYTES = 16;
    /** The largest wire form read. */
    public static final int MAX_BYTES = 2048;

    private static final ClassValue<Holder> BY_CLASS = new ClassValue<>() {
        @Override
        protected Holder computeValue(Class<?> type) {
            return new Holder();
        }
    };

    /** A class's fingerprint, computed from its first instance (a lambda's form needs one). */
    private static final class Holder {
        volatile CodeFingerprint fingerprint;
        volatile byte[] bytes;
    }

    /**
     * {@return the fingerprint of the code a task runs; cached per class}
     *
     * @param task a task (a serializable lambda or an instance of a task class)
     * @throws IllegalStateException if the class file is there but cannot be read
     */
    public static CodeFingerprint of(Object task) {
        Holder holder = BY_CLASS.get(task.getClass());
        CodeFingerprint fingerprint = holder.fingerprint;
        if (fingerprint == null) {
            fingerprint = compute(task);
            holder.bytes = fingerprint.encode();
            holder.fingerprint = fingerprint;
        }
        return fingerprint;
    }

    /**
     * {@return the wire form of {@link #of}'s result; cached per class, not to be modified}
     *
     * @param task a task
     */
    public static byte[] bytesOf(Object task) {
        Holder holder = BY_CLASS.get(task.getClass());
        byte[] bytes = holder.bytes;
        if (bytes == null) {
            of(task);
            bytes = holder.bytes;
        }
        return bytes;
    }

    /**
     * {@return whether a decoded task's code is what the caller's fingerprint says}
     *
     * @param task the task decoded here
     * @param bytes the wire form the caller sent
     * @param offset where it starts
     * @param length its length
     */
    public static boolean matches(Object task, byte[] bytes, int offset, int length) {
        byte[] ours = bytesOf(task);
        return Arrays.equals(ours, 0, ours.length, bytes, offset, offset + length);
    }

    private static CodeFingerprint compute(Object task) {
        Class<?> type = task.getClass();
        SerializedLambda lambda = Lambdas.serialized(task);
        if (lambda == null) {
            byte[] file = classFile(type);
            return new CodeFingerprint(type.getName(), "", "",
                    file == null || isJdk(type) ? new byte[0] : Arrays.copyOf(ClassFile.digest(file), DIGEST_BYTES));
        }
        String implName = lambda.getImplClass().replace('/', '.');
        byte[] digest = new byte[0];
        try {
            Class<?> impl = Class.forName(implName, false, type.getClassLoader());
            byte[] file = isJdk(impl) ? null : classFile(impl);
            if (file != null) {
                byte[] full = new ClassFile(file).methodDigest(lambda.getImplMethodName(),
                        lambda.getImplMethodSignature());
                if (full != null) {
                    digest = Arrays.copyOf(full, DIGEST_BYTES);
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("The implementation class " + implName + " of a lambda of "
                    + lambda.getCapturingClass() + " is not visible from it", e);
        }
        return new CodeFingerprint(implName, lambda.getImplMethodName(), lambda.getImplMethodSignature(), digest);
    }

    /**
     * The JDK's classes, and the tasks Kindling's own modules send each other (such as {@code SystemTasks} and the
     * region query), keep their contracts across versions: they are not fingerprinted, so that nodes of two Kindling
     * versions still answer each other during an upgrade.
     */
    private static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return true;
        }
        String name = type.getName();
        for (String prefix : KINDLING_PACKAGES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The packages of Kindling's modules whose tasks travel between nodes. */
    private static final java.util.List<String> KINDLING_PACKAGES = java.util.List.of("io.kindling.api.",
            "io.kindling.core.", "io.kindling.rpc.region.", "io.kindling.testing.");

    private static byte[] classFile(Class<?> type) {
        Class<?> top = type;
        while (top.isArray()) {
            top = top.getComponentType();
        }
        if (top.isHidden() || top.isPrimitive()) {
            return null;
        }
        String resource = "/" + top.getName().replace('.', '/') + ".class";
        try (InputStream in = top.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the class file of " + top.getName() + ": " + e, e);
        }
    }

    /** {@return the wire form} */
    public byte[] bytes() {
        return encode();
    }

    private byte[] encode() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeUTF(className);
            out.writeUTF(method);
            out.writeUTF(descriptor);
            out.writeByte(digest.length);
            out.write(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /**
     * Reads a wire form.
     *
     * @param bytes the buffer
     * @param offset where it starts
     * @param length its length
     * @return the fingerprint
     * @throws IllegalArgumentException if it is malformed
     */
    public static CodeFingerprint decode(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        try {
            String className = utf(in);
            String method = utf(in);
            String descriptor = utf(in);
            int digestLength = in.get() & 0xFF;
            if (digestLength > 32) {
                throw new IllegalArgumentException("digest of " + digestLength + " bytes");
            }
            byte[] digest = new byte[digestLength];
            in.get(digest);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the fingerprint");
            }
            return new CodeFingerprint(className, method, descriptor, digest);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated code fingerprint", e);
        }
    }

    private static String utf(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated code fingerprint");
        }
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }

    /** {@return where the code is: the class, and the method for a lambda} */
    public String where() {
        return method.isEmpty() ? className : className + "." + method + descriptor;
    }

    /** {@return the digest in hex, or "unchecked" when there is none} */
    public String digestHex() {
        return digest.length == 0 ? "unchecked" : HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CodeFingerprint that && className.equals(that.className)
                && method.equals(that.method) && descriptor.equals(that.descriptor)
                && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return className.hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return where() + " #" + digestHex();
    }
}
