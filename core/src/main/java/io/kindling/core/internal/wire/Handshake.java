package io.kindling.core.internal.wire;

import io.kindling.api.AuthenticationException;
import io.kindling.api.HandshakeException;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handshake that opens every connection, before any frame is decoded by a codec. Only fixed-shape fields are
 * read here (no deserialization), each message bounded to {@value #MAX_MESSAGE} bytes.
 *
 * <pre>
 * dialer   → HELLO      magic "KNDL", version, dialer name, name it expects, dialer's listen host and port,
 *                       dialer incarnation, dialer nonce (32 bytes)
 * acceptor → CHALLENGE  status (OK | SIMULTANEOUS | REFUSED + reason), version, acceptor name, acceptor
 *                       incarnation, acceptor nonce
 * dialer   → PROOF      HMAC-SHA256(key, "dialer" ‖ names ‖ nonces ‖ binding), dialer attributes
 * acceptor → ACCEPT     status (OK | BAD_COOKIE), HMAC-SHA256(key, "acceptor" ‖ names ‖ nonces ‖ binding),
 *                       acceptor attributes
 * </pre>
 * Every message is an int length followed by that many bytes, read as they arrive (a declared length alone
 * allocates nothing). The key is the cookie stretched by {@link Cookies#key}; neither crosses the wire. Each side
 * proves it holds the key over both fresh nonces; the role label stops a proof being reflected back; the binding is
 * the transport's {@link io.kindling.api.spi.Transport.Connection#channelBinding()} (TLS: both certificates), so a
 * proof made on one TLS connection is worthless on another, and a relay that terminates TLS fails. The
 * {@link Authenticator} runs the exchange; this class only reads and writes its messages.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Handshake {

    static final int VERSION = 2;
    static final int MAX_MESSAGE = 128 * 1024;
    private static final byte[] MAGIC = {'K', 'N', 'D', 'L'};
    private static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    static final int STATUS_OK = 0;
    static final int STATUS_SIMULTANEOUS = 1;
    static final int STATUS_REFUSED = 2;
    static final int STATUS_BAD_COOKIE = 3;

    /** What the dialer says first. */
    record Hello(NodeName dialer, NodeName expected, String listenHost, int listenPort, long incarnation,
            byte[] nonce) {
    }

    /** The acceptor's answer to a HELLO. */
    record Challenge(int status, String reason, NodeName acceptor, long incarnation, byte[] nonce) {
    }

    /** What each side learns of the other. */
    record Peer(NodeName name, NodeAttributes attributes, long incarnation) {
    }

    private Handshake() {
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    // ---- messages ----

    static void writeHello(OutputStream out, Hello hello) throws IOException {
        send(out, data -> {
            data.write(MAGIC);
            data.writeShort(VERSION);
            data.writeUTF(hello.dialer().toString());
            data.writeUTF(hello.expected().toString());
            data.writeUTF(hello.listenHost());
            data.writeShort(hello.listenPort());
            data.writeLong(hello.incarnation());
            data.write(hello.nonce());
        });
    }

    static Hello readHello(InputStream in) throws IOException {
        DataInputStream data = receive(in, "HELLO");
        byte[] magic = new byte[MAGIC.length];
        data.readFully(magic);
        if (!MessageDigest.isEqual(magic, MAGIC)) {
            throw new HandshakeException("not a Kindling node: the first message does not start with \"KNDL\"");
        }
        int version = data.readUnsignedShort();
        if (version != VERSION) {
            throw new VersionMismatch(version);
        }
        NodeName dialer = name(data.readUTF(), "dialer name");
        NodeName expected = name(data.readUTF(), "expected name");
        String host = data.readUTF();
        int port = data.readUnsignedShort();
        long incarnation = data.readLong();
        byte[] nonce = new byte[NONCE_BYTES];
        data.readFully(nonce);
        return new Hello(dialer, expected, host, port, incarnation, nonce);
    }

    static void writeChallenge(OutputStream out, Challenge challenge) throws IOException {
        send(out, data -> {
            data.writeByte(challenge.status());
            data.writeUTF(challenge.reason() == null ? "" : challenge.reason());
            data.writeShort(VERSION);
            data.writeUTF(challenge.acceptor().toString());
            data.writeLong(challenge.incarnation());
            data.write(challenge.nonce());
        });
    }

    static Challenge readChallenge(InputStream in) throws IOException {
        DataInputStream data = receive(in, "CHALLENGE");
        int status = data.readUnsignedByte();
        String reason = data.readUTF();
        int version = data.readUnsignedShort();
        if (status == STATUS_OK && version != VERSION) {
            throw new HandshakeException("the peer speaks protocol version " + version + "; this node speaks "
                    + VERSION);
        }
        NodeName acceptor = name(data.readUTF(), "acceptor name");
        long incarnation = data.readLong();
        byte[] nonce = new byte[NONCE_BYTES];
        data.readFully(nonce);
        return new Challenge(status, reason, acceptor, incarnation, nonce);
    }

    static void writeProof(OutputStream out, byte[] digest, NodeAttributes attributes) throws IOException {
        send(out, data -> {
            data.write(digest);
            writeAttributes(data, attributes);
        });
    }

    /** Reads a PROOF; returns the digest and the attributes. */
    static Map.Entry<byte[], NodeAttributes> readProof(InputStream in) throws IOException {
        DataInputStream data = receive(in, "PROOF");
        byte[] digest = new byte[32];
        data.readFully(digest);
        return Map.entry(digest, readAttributes(data));
    }

    static void writeAccept(OutputStream out, int status, byte[] digest, NodeAttributes attributes)
            throws IOException {
        send(out, data -> {
            data.writeByte(status);
            data.write(digest);
            writeAttributes(data, attributes);
        });
    }

    /** Reads an ACCEPT; returns the digest and attributes, or throws when the acceptor refused our proof. */
    static Map.Entry<byte[], NodeAttributes> readAccept(InputStream in, NodeName acceptor, String where)
            throws IOException {
        DataInputStream data = receive(in, "ACCEPT");
        int status = data.readUnsignedByte();
        if (status == STATUS_BAD_COOKIE) {
            throw new AuthenticationException("Node " + acceptor + " at " + where
                    + " refused this node's cookie: both nodes must use the same cookie (KINDLING_COOKIE, "
                    + "kindling.cookie or the cookie file)");
        }
        if (status != STATUS_OK) {
            throw new HandshakeException("Node " + acceptor + " at " + where
                    + " answered the handshake with unknown status " + status);
        }
        byte[] digest = new byte[32];
        data.readFully(digest);
        return Map.entry(digest, readAttributes(data));
    }

    // ---- proofs ----

    static byte[] proof(byte[] key, String role, NodeName dialer, NodeName acceptor, byte[] dialerNonce,
            byte[] acceptorNonce, byte[] binding) {
        return new HmacSha256(key)
                .update(("kindling-v" + VERSION + " " + role + " ").getBytes(StandardCharsets.UTF_8))
                .update((dialer + " " + acceptor + " ").getBytes(StandardCharsets.UTF_8))
                .update(dialerNonce).update(acceptorNonce).update(binding).doFinal();
    }

    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    // ---- framing ----

    private interface Body {
        void write(DataOutputStream data) throws IOException;
    }

    private static void send(OutputStream out, Body body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        DataOutputStream data = new DataOutputStream(buffer);
        data.writeInt(0);
        body.write(data);
        data.flush();
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length - 4;
        bytes[0] = (byte) (length >>> 24);
        bytes[1] = (byte) (length >>> 16);
        bytes[2] = (byte) (length >>> 8);
        bytes[3] = (byte) length;
        out.write(bytes);
        out.flush();
    }

    private static DataInputStream receive(InputStream in, String what) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length;
        try {
            length = data.readInt();
        } catch (EOFException e) {
            throw new EOFException("connection closed before the " + what + " message" + ("CHALLENGE".equals(what)
                    ? " (does the node use another transport, such as tls? kindling.transport must match)" : ""));
        }
        int recordType = length >>> 24;
        if ((recordType == 0x15 || recordType == 0x16) && (length >>> 16 & 0xff) == 0x03) {
            throw new HandshakeException("the peer answered the " + what + " with TLS: it uses the tls transport; "
                    + "set kindling.transport=tls on this node too, with its certificate settings");
        }
        if (length <= 0 || length > MAX_MESSAGE) {
            throw new HandshakeException("malformed " + what + " message: declared length " + length
                    + " is outside 1.." + MAX_MESSAGE + " (not a Kindling node?)");
        }
        byte[] bytes;
        try {
            bytes = Frames.readGrowing(in, length, 256, () -> { }); // memory follows the bytes that arrive
        } catch (EOFException e) {
            throw new EOFException("connection closed in the middle of the " + what + " message");
        }
        return new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    }

    private static NodeName name(String text, String what) {
        try {
            return NodeName.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException("invalid " + what + ": " + e.getMessage());
        }
    }

    private static void writeAttributes(DataOutputStream data, NodeAttributes attributes) throws IOException {
        data.writeShort(attributes.values().size());
        for (Map.Entry<String, String> entry : attributes.values().entrySet()) {
            data.writeUTF(entry.getKey());
            data.writeUTF(entry.getValue());
        }
    }

    private static NodeAttributes readAttributes(DataInputStream data) throws IOException {
        int count = data.readUnsignedShort();
        if (count > NodeAttributes.MAX_ENTRIES) {
            throw new HandshakeException("peer sent " + count + " attributes; the limit is "
                    + NodeAttributes.MAX_ENTRIES);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            values.put(data.readUTF(), data.readUTF());
        }
        try {
            return NodeAttributes.of(values);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException("peer sent invalid attributes: " + e.getMessage());
        }
    }

    /** The dialer speaks a protocol version this node does not. */
    static final class VersionMismatch extends HandshakeException {
        final int version;

        VersionMismatch(int version) {
            super("unsupported protocol version " + version + "; this node speaks " + VERSION);
            this.version = version;
        }
    }
}
