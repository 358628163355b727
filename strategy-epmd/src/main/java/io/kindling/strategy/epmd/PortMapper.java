package io.kindling.strategy.epmd;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A port mapper that speaks the EPMD protocol as Erlang/OTP's {@code epmd} does, so that {@code epmd -names},
 * {@code erl -name} and Kindling nodes can use it alike. A Kindling node starts one when none runs on its host
 * ({@code kindling.strategy.epmd.server=if-absent}).
 *
 * <p>Like {@code epmd}: registrations ({@code ALIVE2_REQ}) and {@code DUMP_REQ}/{@code KILL_REQ} are accepted only
 * from loopback; a registration lasts as long as its connection; a request must be 1 to 3057 bytes; a malformed
 * request closes that connection only.
 *
 * <p>Unlike {@code epmd}, it cannot be held down by idle connections: one that sends no complete request within
 * {@value #IDLE_TIMEOUT_MILLIS} ms is closed, and when {@value #MAX_CONNECTIONS} connections are open a new one
 * makes room by closing the oldest connection that has not registered. A flood of idle connections therefore
 * delays no one's {@code NAMES} or {@code PORT_PLEASE2}; registrations are never closed to make room.
 */
public final class PortMapper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PortMapper.class.getName());

    /** {@code epmd}'s INBUF_SIZE: a request (with its 2-byte length) must be shorter. */
    static final int MAX_REQUEST = 3060 - 2 - 1;
    /** How long a connection may take to send its request (OTP's {@code epmd} waits 60 s). */
    static final int IDLE_TIMEOUT_MILLIS = 5_000;
    /** Connections open at once; at the bound the oldest unregistered one is closed to make room. */
    static final int MAX_CONNECTIONS = 1024;
    private static final int MAX_NAME_CODE_POINTS = 255;
    private static final int ERROR_CREATION = 99;

    private final ServerSocket server;
    private final Map<String, Registered> registrations = new ConcurrentHashMap<>();
    /** Open connections that have not registered, oldest first. Guarded by itself. */
    private final LinkedHashSet<Socket> unregistered = new LinkedHashSet<>();
    /** Open connections that hold a registration. Guarded by {@link #unregistered}. */
    private final Set<Socket> registeredSockets = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger creation = new AtomicInteger((int) (System.currentTimeMillis() / 1000));

    private record Registered(EpmdEntry entry, Socket socket, long sequence, int fd) {
    }

    private PortMapper(ServerSocket server) {
        this.server = server;
        Thread.ofVirtual().name("kindling-port-mapper-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /**
     * Starts a port mapper.
     *
     * @param bindAddress the address to listen on; {@code null} for every interface, as {@code epmd} does
     * @param port the port, usually {@value EpmdClient#DEFAULT_PORT}; 0 picks a free one
     * @return the running port mapper
     * @throws EpmdException if the port is taken (another port mapper runs there) or cannot be bound
     */
    public static PortMapper start(InetAddress bindAddress, int port) {
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(bindAddress, port), 128);
            PortMapper mapper = new PortMapper(server);
            LOG.log(Level.INFO, "Port mapper listening on " + server.getLocalSocketAddress());
            return mapper;
        } catch (IOException e) {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
            String where = (bindAddress == null ? "*" : bindAddress.getHostAddress()) + ":" + port;
            throw new EpmdException(e instanceof BindException
                    ? "Cannot start a port mapper on " + where + ": the port is in use (" + e.getMessage() + ")"
                    : "Cannot start a port mapper on " + where + ": " + e, e);
        }
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getLocalPort();
    }

    /** {@return the names registered now, with their registrations} */
    public Map<String, EpmdEntry> registrations() {
        Map<String, EpmdEntry> result = new LinkedHashMap<>();
        registrations.values().stream().sorted(Comparator.comparingLong(Registered::sequence).reversed())
                .forEach(r -> result.put(r.entry().name(), r.entry()));
        return result;
    }

    /** {@return whether it still serves} */
    public boolean isRunning() {
        return !closed.get();
    }

    /** Stops listening and closes every connection, which drops every registration. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Closing the port mapper", e);
        }
        List<Socket> open;
        synchronized (unregistered) {
            open = new ArrayList<>(unregistered);
            open.addAll(registeredSockets);
        }
        open.forEach(EpmdClient::closeQuietly);
        registrations.clear();
        LOG.log(Level.INFO, "Port mapper on port " + server.getLocalPort() + " stopped");
    }

    @Override
    public String toString() {
        return "PortMapper[" + server.getLocalSocketAddress() + ", " + registrations.size() + " names]";
    }

    private void acceptLoop() {
        int failures = 0;
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
                failures = 0;
            } catch (IOException e) {
                if (closed.get() || server.isClosed()) {
                    return;
                }
                // out of file descriptors or buffers: back off and retry, never stop serving
                if (failures++ == 0) {
                    LOG.log(Level.WARNING, "Port mapper could not accept a connection: " + e.getMessage()
                            + "; retrying with back-off");
                }
                try {
                    Thread.sleep(Math.min(1_000, 10L << Math.min(7, failures)));
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            if (!admit(socket)) {
                LOG.log(Level.WARNING, "Port mapper: " + MAX_CONNECTIONS + " connections open, all of them "
                        + "registrations; refusing " + socket.getRemoteSocketAddress());
                EpmdClient.closeQuietly(socket);
                continue;
            }
            if (closed.get()) {
                EpmdClient.closeQuietly(socket);
            }
            Thread.ofVirtual().name("kindling-port-mapper-conn").start(() -> {
                try {
                    serve(socket);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "Port mapper connection from " + socket.getRemoteSocketAddress()
                            + " ended: " + e);
                } finally {
                    EpmdClient.closeQuietly(socket);
                    synchronized (unregistered) {
                        unregistered.remove(socket);
                        registeredSockets.remove(socket);
                    }
                }
            });
        }
    }

    /** Takes a place for a new connection, closing the oldest unregistered one at the bound. */
    private boolean admit(Socket socket) {
        Socket evicted = null;
        synchronized (unregistered) {
            if (unregistered.size() + registeredSockets.size() >= MAX_CONNECTIONS) {
                if (unregistered.isEmpty()) {
                    return false;
                }
                evicted = unregistered.removeFirst();
            }
            unregistered.add(socket);
        }
        if (evicted != null) {
            LOG.log(Level.DEBUG, "Port mapper: " + MAX_CONNECTIONS + " connections open; closed the oldest, from "
                    + evicted.getRemoteSocketAddress());
            EpmdClient.closeQuietly(evicted);
        }
        return true;
    }

    /** Marks a connection as holding a registration: it is not closed to make room. */
    private void registered(Socket socket) {
        synchronized (unregistered) {
            if (unregistered.remove(socket)) {
                registeredSockets.add(socket);
            }
        }
    }

    private void serve(Socket socket) throws IOException {
        socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length;
        byte[] request;
        try {
            length = in.readUnsignedShort();
            if (length < 1 || length > MAX_REQUEST) {
                reject(socket, "invalid packet size (" + length + ")");
                return;
            }
            request = new byte[length];
            in.readFully(request);
        } catch (EOFException | SocketTimeoutException e) {
            reject(socket, "got a partial packet only");
            return;
        }
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        switch (request[0]) {
            case 'x' -> alive2(socket, request, in, out);
            case 'z' -> portPlease2(request, out);
            case 'n' -> names(out);
            case 'd' -> {
                if (isLocal(socket)) {
                    dump(out);
                } else {
                    reject(socket, "DUMP_REQ from a non-local address");
                }
            }
            case 'k' -> {
                if (isLocal(socket)) {
                    kill(out);
                } else {
                    reject(socket, "KILL_REQ from a non-local address");
                }
            }
            case 's' -> reject(socket, "STOP_REQ is not allowed (as epmd without -relaxed_command_check)");
            default -> reject(socket, "got garbage: request tag " + (request[0] & 0xFF));
        }
    }

    private void alive2(Socket socket, byte[] request, DataInputStream in, DataOutputStream out)
            throws IOException {
        if (!isLocal(socket)) {
            reject(socket, "ALIVE2_REQ from a non-local address");
            return;
        }
        int length = request.length;
        if (length <= 13) {
            reject(socket, "packet too small for ALIVE2_REQ (" + length + ")");
            return;
        }
        ByteBuffer body = ByteBuffer.wrap(request, 1, length - 1);
        int nodePort = Short.toUnsignedInt(body.getShort());
        int nodeType = Byte.toUnsignedInt(body.get());
        int protocol = Byte.toUnsignedInt(body.get());
        int highest = Short.toUnsignedInt(body.getShort());
        int lowest = Short.toUnsignedInt(body.getShort());
        int nameLength = Short.toUnsignedInt(body.getShort());
        if (nameLength + 13 > length) {
            reject(socket, "ALIVE2_REQ name length " + nameLength + " beyond the packet");
            return;
        }
        byte[] nameBytes = new byte[nameLength];
        body.get(nameBytes);
        int extraLength = Short.toUnsignedInt(body.getShort());
        if (extraLength + nameLength + 13 > length) {
            reject(socket, "ALIVE2_REQ extra length " + extraLength + " beyond the packet");
            return;
        }
        byte[] extra = new byte[extraLength];
        body.get(extra);
        for (byte b : nameBytes) {
            if (b == 0) {
                reject(socket, "node name contains ascii 0 in ALIVE2_REQ");
                return;
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(nameBytes)).toString();
        } catch (CharacterCodingException e) {
            LOG.log(Level.DEBUG, "Port mapper: invalid node name encoding");
            aliveReply(out, highest, false, ERROR_CREATION);
            awaitClose(in);
            return;
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME_CODE_POINTS) {
            LOG.log(Level.DEBUG, "Port mapper: node name too long");
            aliveReply(out, highest, false, ERROR_CREATION);
            awaitClose(in);
            return;
        }
        EpmdEntry entry = new EpmdEntry(name, nodePort, nodeType, protocol, highest, lowest, extra);
        long registration = sequence.incrementAndGet();
        Registered registered = new Registered(entry, socket, registration, (int) (registration % 1000) + 3);
        if (registrations.putIfAbsent(name, registered) != null) {
            LOG.log(Level.DEBUG, "Port mapper: node name already occupied " + name);
            aliveReply(out, highest, false, ERROR_CREATION);
            awaitClose(in);
            return;
        }
        try {
            int created = creation.updateAndGet(c -> Integer.compareUnsigned(c + 1, 4) < 0 ? 4 : c + 1);
            aliveReply(out, highest, true, highest >= 6 ? created : Integer.remainderUnsigned(created, 3) + 1);
            LOG.log(Level.DEBUG, "Port mapper: registered " + entry);
            registered(socket);
            socket.setSoTimeout(0);
            awaitClose(in);
        } finally {
            registrations.remove(name, registered);
            LOG.log(Level.DEBUG, "Port mapper: unregistered " + name);
        }
    }

    private static void aliveReply(DataOutputStream out, int highest, boolean ok, int created) throws IOException {
        if (highest >= 6) {
            out.writeByte('v');
            out.writeByte(ok ? 0 : 1);
            out.writeInt(created);
        } else {
            out.writeByte('y');
            out.writeByte(ok ? 0 : 1);
            out.writeShort(created);
        }
        out.flush();
    }

    /** Reads and discards until the peer closes (or the idle timeout on an unregistered connection). */
    private static void awaitClose(InputStream in) throws IOException {
        byte[] discard = new byte[256];
        try {
            while (in.read(discard) >= 0) {
                // nothing more is expected on this connection
            }
        } catch (SocketTimeoutException e) {
            // idle
        }
    }

    private void portPlease2(byte[] request, DataOutputStream out) throws IOException {
        int end = request.length;
        if (end > 1 && request[end - 1] == 0) {
            end--; // a trailing NUL is tolerated
        }
        String name = new String(request, 1, end - 1, StandardCharsets.UTF_8);
        Registered registered = registrations.get(name);
        out.writeByte('w');
        if (registered == null) {
            out.writeByte(1);
        } else {
            EpmdEntry entry = registered.entry();
            byte[] nameBytes = entry.name().getBytes(StandardCharsets.UTF_8);
            byte[] extra = entry.extra();
            out.writeByte(0);
            out.writeShort(entry.port());
            out.writeByte(entry.nodeType());
            out.writeByte(entry.protocol());
            out.writeShort(entry.highestVersion());
            out.writeShort(entry.lowestVersion());
            out.writeShort(nameBytes.length);
            out.write(nameBytes);
            out.writeShort(extra.length);
            out.write(extra);
        }
        out.flush();
    }

    private void names(DataOutputStream out) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (EpmdEntry entry : registrations().values()) {
            text.writeBytes(("name " + entry.name() + " at port " + entry.port() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeInt(port());
        text.writeTo(out);
        out.flush();
    }

    private void dump(DataOutputStream out) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        registrations.values().stream().sorted(Comparator.comparingLong(Registered::sequence).reversed())
                .forEach(r -> {
                    text.writeBytes(("active name     <" + r.entry().name() + "> at port " + r.entry().port()
                            + ", fd = " + r.fd() + "\n").getBytes(StandardCharsets.UTF_8));
                    text.write(0);
                });
        out.writeInt(port());
        text.writeTo(out);
        out.flush();
    }

    private void kill(DataOutputStream out) throws IOException {
        if (!registrations.isEmpty()) {
            out.writeBytes("NO");
            out.flush();
            return;
        }
        out.writeBytes("OK");
        out.flush();
        close();
    }

    private static void reject(Socket socket, String why) {
        LOG.log(Level.DEBUG, "Port mapper: closing the connection from " + socket.getRemoteSocketAddress() + ": "
                + why);
    }

    /** Loopback, or the address the server socket was reached on (as epmd's conn_local_peer_check). */
    private static boolean isLocal(Socket socket) {
        InetAddress peer = socket.getInetAddress();
        return peer.isLoopbackAddress() || peer.equals(socket.getLocalAddress());
    }
}
