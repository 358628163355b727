package io.kindling.core.internal.wire;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over the JDK's SHA-256, for the handshake's proofs.
 *
 * <p>Why not {@code javax.crypto.Mac}: its first use in a JVM sets up the JCE framework (crypto policy files, the
 * {@code SunJCE} provider), about 20 ms of CPU in a fresh runner JVM that needs nothing else from it, on the way to
 * its first handshake. {@code MessageDigest} comes from the {@code SUN} provider the handshake's
 * {@code SecureRandom} loads anyway. The result is the same bytes as {@code Mac.getInstance("HmacSHA256")}:
 * {@code HmacSha256Test} checks it against RFC 4231's vectors and against {@code Mac}.
 *
 * <p>One instance computes one code ({@link #doFinal} once); not thread-safe.
 */
final class HmacSha256 {

    private static final int BLOCK = 64;
    private final MessageDigest digest;
    private final byte[] outerPad = new byte[BLOCK];
    private boolean done;

    /**
     * Starts a code with a key.
     *
     * @param key the key, any length (a key longer than a block is hashed first, as RFC 2104 says)
     */
    HmacSha256(byte[] key) {
        MessageDigest digest = sha256();
        byte[] block = key.length > BLOCK ? digest.digest(key) : key;
        byte[] innerPad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < block.length ? block[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        if (block != key) {
            Arrays.fill(block, (byte) 0);
        }
        digest.reset();
        digest.update(innerPad);
        Arrays.fill(innerPad, (byte) 0); // key material: kept no longer than needed
        this.digest = digest;
    }

    /**
     * Adds message bytes.
     *
     * @param bytes the bytes
     * @return this
     */
    HmacSha256 update(byte[] bytes) {
        if (done) {
            throw new IllegalStateException("This HMAC is finished; start a new one");
        }
        digest.update(bytes);
        return this;
    }

    /**
     * {@return the 32-byte code of the key and the bytes added}
     *
     * @throws IllegalStateException if called twice (the key's pads are gone)
     */
    byte[] doFinal() {
        if (done) {
            throw new IllegalStateException("This HMAC is finished; start a new one");
        }
        done = true;
        byte[] innerHash = digest.digest(); // and resets it, for the outer hash
        digest.update(outerPad);
        Arrays.fill(outerPad, (byte) 0);
        return digest.digest(innerHash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }
}
