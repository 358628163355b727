package io.kindling.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Moves bytes between nodes: listens for and opens stream connections. Framing, the handshake, heartbeats and
 * multiplexing are the runtime's, above this interface, so a transport only has to deliver an ordered, reliable
 * byte stream (TCP, TLS over TCP, a Unix socket…).
 *
 * <p>Implementations are thread-safe. Reads may block; the runtime reads each connection on its own virtual
 * thread and enforces its own deadlines by closing the connection.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts listening.
     *
     * @param address the local address; port 0 picks any free port
     * @return the listener
     * @throws IOException if the address cannot be bound (the message says which and why)
     */
    Listener listen(InetSocketAddress address) throws IOException;

    /**
     * Opens a connection.
     *
     * @param address the remote address
     * @param timeout how long the connection attempt may take
     * @return the open connection
     * @throws IOException if it could not be opened in time; the message carries the operating system's error
     */
    Connection connect(InetSocketAddress address, Duration timeout) throws IOException;

    /** Releases what the transport holds (not the connections it opened, which are closed one by one). */
    @Override
    default void close() {
    }

    /** A bound listener. */
    interface Listener extends Closeable {

        /** {@return the bound address, with the port actually chosen} */
        InetSocketAddress localAddress();

        /**
         * Waits for the next incoming connection.
         *
         * @return the connection
         * @throws IOException when the listener was closed, or accepting failed
         */
        Connection accept() throws IOException;
    }

    /** One open, ordered, reliable byte stream. Closing it unblocks a reader. */
    interface Connection extends Closeable {

        /** {@return the stream to read from; one reader at a time} */
        InputStream input();

        /** {@return the stream to write to; one writer at a time, the runtime serializes writes} */
        OutputStream output();

        /** {@return the remote end, for log lines} */
        SocketAddress remoteAddress();

        /**
         * Bytes that identify this connection's secure channel, the same at both ends and different on any other
         * connection: the handshake's cookie proofs cover them, so a proof made on one connection is worthless on
         * another (channel binding). TLS returns both certificates' hashes; a relay that terminates TLS presents
         * other certificates on each side, and its proofs fail.
         *
         * @return the binding; the default, for transports without a secure channel (plain TCP), is empty
         */
        default byte[] channelBinding() {
            return new byte[0];
        }

        /**
         * Checks that the peer, authenticated by the handshake, may use the node name it claims: a transport that
         * knows the peer's identity (a TLS certificate) refuses a name its identity does not cover.
         *
         * @param claimed the name the peer claims
         * @throws io.kindling.api.HandshakeException if the peer's identity does not allow that name; the message
         *     says what the identity covers. The default accepts every name.
         */
        default void checkPeerName(io.kindling.api.NodeName claimed) {
        }
    }
}
