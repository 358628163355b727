package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.core.internal.codec.CodecPolicy;
import io.kindling.core.internal.codec.ValueCodec;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A peer that speaks the wire by hand, for hostile-input tests: it passes the handshake with the right cookie and
 * then sends whatever frames a test builds, well-formed or not, and reads the node's answers.
 */
public final class RawPeer implements AutoCloseable {

    /** Frame types, for tests outside this package. */
    public static final int CALL = Frames.CALL;
    public static final int RESULT = Frames.RESULT;
    public static final int FAILURE = Frames.FAILURE;
    public static final int REFUSED = Frames.REFUSED;

    private static final ValueCodec CODEC = new ValueCodec(new CodecPolicy(100, 1_000_000, 16_777_216, 64L << 20,
            List.of()));

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    /** A frame the node sent: its type and body. */
    public record Frame(int type, byte[] body) {
        /** {@return the call id at the start of the body} */
        public long id() {
            return Frames.readLong(body, 0);
        }

        /** {@return the body as text, for messages} */
        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
    }

    /**
     * Connects and passes the handshake as {@code raw@127.0.0.1}.
     *
     * @param target the node
     * @param cookie its cookie
     * @return the peer
     * @throws IOException if the connection fails
     */
    public static RawPeer connect(NodeAddress target, String cookie) throws IOException {
        Socket socket = new Socket(target.host(), target.port());
        socket.setSoTimeout(30_000);
        try {
            handshake(socket, target.name(), cookie);
            return new RawPeer(socket);
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** Status of a CHALLENGE that lets the dialer go on. */
    public static final int CHALLENGE_OK = Handshake.STATUS_OK;

    /**
     * Sends a HELLO claiming to be {@code dialer} and reads the CHALLENGE.
     *
     * @return the challenge's status ({@link #CHALLENGE_OK} to go on) and reason, as "status reason"
     */
    public static String hello(Socket socket, NodeName dialer, NodeName target) throws IOException {
        Handshake.writeHello(socket.getOutputStream(), new Handshake.Hello(dialer, target, "127.0.0.1", 0, 7,
                Handshake.nonce()));
        Handshake.Challenge challenge = Handshake.readChallenge(socket.getInputStream());
        return challenge.status() + " " + challenge.reason();
    }

    /**
     * Runs the dialer's handshake with a proof made from {@code cookie} and returns whether the node refused it as a
     * wrong cookie (BAD_COOKIE).
     */
    public static boolean guess(Socket socket, NodeName target, String cookie) throws IOException {
        try {
            handshake(socket, target, cookie);
            return false;
        } catch (io.kindling.api.AuthenticationException e) {
            return true;
        }
    }

    /** The dialer's side of the handshake, by hand, with the given cookie. */
    static void handshake(Socket socket, NodeName target, String cookie) throws IOException {
        NodeName raw = NodeName.of("raw" + Long.toHexString(System.nanoTime()), "127.0.0.1");
        byte[] nonce = Handshake.nonce();
        Handshake.writeHello(socket.getOutputStream(), new Handshake.Hello(raw, target, "127.0.0.1", 0, 7, nonce));
        Handshake.Challenge challenge = Handshake.readChallenge(socket.getInputStream());
        assertEquals(Handshake.STATUS_OK, challenge.status(), challenge.reason());
        byte[] proof = Handshake.proof(Cookies.key(cookie.getBytes(StandardCharsets.UTF_8)), "dialer", raw, target,
                nonce, challenge.nonce(), new byte[0]);
        Handshake.writeProof(socket.getOutputStream(), proof, NodeAttributes.empty());
        Handshake.readAccept(socket.getInputStream(), target, "test");
    }

    /**
     * A CALL frame for a real task, encoded as Kindling would.
     *
     * @param id the call id
     * @param task the task
     * @return the frame
     * @throws IOException if it does not encode
     */
    public static byte[] call(long id, Object task) throws IOException {
        return Frames.task(Frames.CALL, id, CODEC, task, Long.MAX_VALUE);
    }

    /**
     * A CALL frame with any task bytes and no code fingerprint.
     *
     * @param id the call id
     * @param task the bytes where the encoded task belongs
     * @return the frame
     */
    public static byte[] rawCall(long id, byte[] task) {
        Frames.Buffer buffer = new Frames.Buffer(task.length + 16);
        buffer.begin(Frames.CALL);
        buffer.writeLong(id);
        buffer.write(0);
        buffer.write(0);
        buffer.write(task, 0, task.length);
        return buffer.finish(Long.MAX_VALUE);
    }

    /**
     * A value in the codec's SERIALIZED form: Java serialization bytes, as the codec frames them.
     *
     * @param stream a Java serialization stream
     * @return the encoded value
     */
    public static byte[] serialized(byte[] stream) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.write(27); // ValueFormat.SERIALIZED
        long n = stream.length;
        while ((n & ~0x7FL) != 0) {
            value.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        value.write((int) n);
        value.writeBytes(stream);
        return value.toByteArray();
    }

    /**
     * Writes frames and flushes.
     *
     * @param frame the frame
     * @throws IOException if the connection is closed
     */
    public void send(byte[] frame) throws IOException {
        out.write(frame);
        out.flush();
    }

    /**
     * Writes a frame without flushing.
     *
     * @param frame the frame
     * @throws IOException if the connection is closed
     */
    public void write(byte[] frame) throws IOException {
        out.write(frame);
    }

    /** Flushes what {@link #write} queued. */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or {@code null} when the node closed the connection
     * @throws IOException if reading fails or times out (30 s)
     */
    public Frame read() throws IOException {
        try {
            int length = in.readInt();
            int type = in.readUnsignedByte();
            byte[] body = new byte[length - 1];
            in.readFully(body);
            return new Frame(type, body);
        } catch (EOFException e) {
            return null;
        }
    }

    /**
     * Reads until a frame of one of the types comes, skipping ticks and others.
     *
     * @param types the types awaited
     * @return the frame, or {@code null} if the node closed the connection first
     * @throws IOException if reading fails or times out
     */
    public Frame readUntil(int... types) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame == null) {
                return null;
            }
            for (int type : types) {
                if (frame.type() == type) {
                    return frame;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
