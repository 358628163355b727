package io.kindling.strategy.epmd;

import io.kindling.api.Durations;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks one port mapper (Erlang's {@code epmd}, or a Kindling {@link PortMapper}) over the EPMD protocol: which
 * names it knows ({@code NAMES_REQ}), where one name listens ({@code PORT_PLEASE2_REQ}), and registers a name
 * ({@code ALIVE2_REQ}). Every request opens its own connection, bounded by the timeout for the connect and for
 * each read. Immutable and thread-safe.
 */
public final class EpmdClient {

    /** The port mapper's well-known port. */
    public static final int DEFAULT_PORT = 4369;

    /** The highest distribution version Kindling registers with, as OTP 23+ nodes do. */
    static final int HIGHEST_VERSION = 6;
    /** The lowest distribution version Kindling registers with. */
    static final int LOWEST_VERSION = 5;
    /** A reply larger than this is not a port mapper's. */
    private static final int MAX_REPLY = 1 << 20;

    private final String host;
    private final int port;
    private final Duration timeout;

    /**
     * A client of the port mapper at a host and port.
     *
     * @param host the port mapper's host
     * @param port its port, usually {@value #DEFAULT_PORT}
     * @param timeout the bound on the connect and on each read; positive
     * @throws IllegalArgumentException if the port or timeout is out of range
     */
    public EpmdClient(String host, int port, Duration timeout) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port mapper port must be 1 to 65535, not " + port);
        }
        Durations.requirePositive(timeout, "Port mapper timeout");
        this.port = port;
        this.timeout = timeout;
    }

    /** {@return the port mapper's host} */
    public String host() {
        return host;
    }

    /** {@return the port mapper's port} */
    public int port() {
        return port;
    }

    /** {@return whether something accepts connections at the port mapper's address} */
    public boolean isReachable() {
        try {
            closeQuietly(connect());
            return true;
        } catch (EpmdException e) {
            return false;
        }
    }

    /**
     * The names registered, as {@code epmd -names} shows them.
     *
     * @return name to port, in the port mapper's order
     * @throws EpmdException if the port mapper cannot be reached or its answer is not the protocol's
     */
    public Map<String, Integer> names() {
        try (Socket socket = connect()) {
            send(socket, new byte[] {'n'});
            byte[] reply = readToEnd(socket);
            if (reply.length < 4) {
                throw protocolError("NAMES_REQ", "a reply of " + reply.length + " bytes");
            }
            Map<String, Integer> names = new LinkedHashMap<>();
            String text = new String(reply, 4, reply.length - 4, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                // "name <name> at port <port>"; like erl_epmd, lines that do not parse are skipped
                if (line.startsWith("name ")) {
                    int at = line.lastIndexOf(" at port ");
                    if (at > 5) {
                        try {
                            names.put(line.substring(5, at), Integer.parseInt(line.substring(at + 9).trim()));
                        } catch (NumberFormatException e) {
                            // skipped
                        }
                    }
                }
            }
            return names;
        } catch (IOException e) {
            throw failure("NAMES_REQ", e);
        }
    }

    /**
     * Where a name listens.
     *
     * @param name the node's short name (before {@code @})
     * @return its registration, or empty when the name is not registered
     * @throws EpmdException if the port mapper cannot be reached or its answer is not the protocol's
     */
    public Optional<EpmdEntry> lookup(String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = connect()) {
            byte[] request = new byte[1 + nameBytes.length];
            request[0] = 'z';
            System.arraycopy(nameBytes, 0, request, 1, nameBytes.length);
            send(socket, request);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int tag = in.readUnsignedByte();
            int result = in.readUnsignedByte();
            if (tag != 'w') {
                throw protocolError("PORT_PLEASE2_REQ", "reply tag " + tag);
            }
            if (result != 0) {
                return Optional.empty();
            }
            int nodePort = in.readUnsignedShort();
            int nodeType = in.readUnsignedByte();
            int protocol = in.readUnsignedByte();
            int highest = in.readUnsignedShort();
            int lowest = in.readUnsignedShort();
            byte[] replyName = new byte[in.readUnsignedShort()];
            in.readFully(replyName);
            byte[] extra = new byte[in.readUnsignedShort()];
            in.readFully(extra);
            return Optional.of(new EpmdEntry(new String(replyName, StandardCharsets.UTF_8), nodePort, nodeType,
                    protocol, highest, lowest, extra));
        } catch (EOFException e) {
            throw protocolError("PORT_PLEASE2_REQ", "a truncated reply");
        } catch (IOException e) {
            throw failure("PORT_PLEASE2_REQ", e);
        }
    }

    /**
     * Registers a name. The registration lives as long as its connection: {@link EpmdRegistration#close()} ends it,
     * and so does the port mapper going away (see {@link EpmdRegistration#onLost}).
     *
     * @param name the node's short name (before {@code @})
     * @param nodePort the port the node listens on
     * @param nodeType {@link EpmdEntry#HIDDEN_NODE} or {@link EpmdEntry#NORMAL_NODE}
     * @param extra the registration's {@code Extra} bytes, at most 1020
     * @return the live registration
     * @throws EpmdException if the port mapper cannot be reached, or refused the name (taken, or invalid)
     */
    public EpmdRegistration register(String name, int nodePort, int nodeType, byte[] extra) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length > 1020 || extra.length > 1020) {
            throw new IllegalArgumentException("A port mapper name must be 1 to 1020 bytes and Extra at most 1020, "
                    + "not " + nameBytes.length + " and " + extra.length);
        }
        Socket socket = connect();
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(body);
            out.writeByte('x');
            out.writeShort(nodePort);
            out.writeByte(nodeType);
            out.writeByte(0);
            out.writeShort(HIGHEST_VERSION);
            out.writeShort(LOWEST_VERSION);
            out.writeShort(nameBytes.length);
            out.write(nameBytes);
            out.writeShort(extra.length);
            out.write(extra);
            send(socket, body.toByteArray());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int tag = in.readUnsignedByte();
            int result = in.readUnsignedByte();
            long creation = switch (tag) {
                case 'v' -> Integer.toUnsignedLong(in.readInt());
                case 'y' -> in.readUnsignedShort();
                default -> throw protocolError("ALIVE2_REQ", "reply tag " + tag);
            };
            if (result != 0) {
                throw new EpmdException("The port mapper at " + where() + " refused to register '" + name
                        + "' (result " + result + "): the name is taken by another node on this host, or invalid",
                        null);
            }
            socket.setSoTimeout(0);
            return new EpmdRegistration(name, nodePort, creation, socket, where());
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            if (e instanceof EpmdException epmd) {
                throw epmd;
            }
            if (e instanceof EOFException) {
                throw protocolError("ALIVE2_REQ", "the connection closed before the reply");
            }
            if (e instanceof IOException io) {
                throw failure("ALIVE2_REQ", io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public String toString() {
        return "EpmdClient[" + where() + "]";
    }

    private String where() {
        return host + ":" + port;
    }

    private Socket connect() {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw failure("connect", e);
        }
    }

    private static void send(Socket socket, byte[] request) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(request.length);
        out.write(request);
        out.flush();
    }

    private byte[] readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            reply.write(buffer, 0, n);
            if (reply.size() > MAX_REPLY) {
                throw protocolError("NAMES_REQ", "a reply over " + MAX_REPLY + " bytes");
            }
        }
        return reply.toByteArray();
    }

    private EpmdException protocolError(String request, String what) {
        return new EpmdException("The port mapper at " + where() + " answered " + request + " with " + what
                + ": it does not speak the EPMD protocol", null);
    }

    private EpmdException failure(String request, IOException e) {
        String message = switch (e) {
            case ConnectException c -> "No port mapper answers at " + where() + " (" + c.getMessage() + "): start "
                    + "Erlang's epmd (epmd -daemon), or let a Kindling node start one "
                    + "(kindling.strategy.epmd.server=if-absent)";
            case SocketTimeoutException t -> "The port mapper at " + where() + " did not answer " + request
                    + " within " + timeout.toMillis() + " ms";
            case UnknownHostException u -> "Unknown port mapper host '" + host + "'";
            default -> "Port mapper request " + request + " to " + where() + " failed: " + e;
        };
        return new EpmdException(message, e);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
