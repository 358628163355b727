package io.kindling.examples.kv;

import io.kindling.api.KindlingException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guide's TCP server: one line per request, {@code CREATE b}, {@code PUT b k v}, {@code GET b k},
 * {@code DELETE b k}; replies {@code OK}, the value then {@code OK}, {@code NOT FOUND}, {@code UNKNOWN COMMAND}. Each
 * client has a virtual thread. Unlike the guide's server, no request closes the connection: a line over
 * {@value #MAX_LINE} bytes, bytes that are not UTF-8, missing arguments, a bucket no route covers, a node that is
 * down or too slow, each get one {@code ERROR …} line saying what was wrong, and the next request is served.
 * A client silent for the idle timeout is disconnected.
 */
public final class KvServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KvServer.class.getName());
    /** The longest request line, in bytes, without its line end. */
    public static final int MAX_LINE = 4096;

    private final KvStore store;
    private final ServerSocket server;
    private final Duration idleTimeout;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    private KvServer(KvStore store, ServerSocket server, Duration idleTimeout) {
        this.store = store;
        this.server = server;
        this.idleTimeout = idleTimeout;
        Thread.ofVirtual().name("kv-accept").start(this::acceptLoop);
    }

    /**
     * Listens and serves.
     *
     * @param store the store the requests go to
     * @param address where to listen; port 0 picks a free one
     * @param idleTimeout how long a client may stay silent
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static KvServer start(KvStore store, InetSocketAddress address, Duration idleTimeout) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, 256);
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot listen on " + address + ": " + e.getMessage(), e);
        }
        return new KvServer(store, server, idleTimeout);
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                Thread.ofVirtual().name("kv-client").start(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "Accepting a client failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream()) {
            client.setSoTimeout((int) idleTimeout.toMillis());
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean overlong = false;
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    if (line.size() < MAX_LINE + 1) {
                        line.write(b); // one byte past the bound marks the line as too long, memory stays bounded
                    } else {
                        overlong = true;
                    }
                    continue;
                }
                String reply = overlong || line.size() > MAX_LINE
                        ? "ERROR the line is longer than " + MAX_LINE + " bytes\r\n"
                        : answer(line.toByteArray());
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
                line.reset();
                overlong = false;
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Client " + client.getRemoteSocketAddress() + " left: " + e.getMessage());
        } finally {
            clients.remove(client);
        }
    }

    /**
     * The reply to one request line (without its {@code \n}; a trailing {@code \r} is ignored).
     *
     * @param bytes the line
     * @return the reply, ending with {@code \r\n}
     */
    String answer(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "ERROR the line is not UTF-8\r\n";
        }
        String[] words = text.strip().split("\\s+", 4);
        String command = words[0];
        try {
            return switch (command) {
                case "CREATE" -> {
                    require(words, 2, "CREATE bucket");
                    store.create(words[1]);
                    yield "OK\r\n";
                }
                case "PUT" -> {
                    require(words, 4, "PUT bucket key value");
                    yield store.put(words[1], words[2], words[3]) ? "OK\r\n" : "NOT FOUND\r\n";
                }
                case "GET" -> {
                    require(words, 3, "GET bucket key");
                    Optional<String> value = store.get(words[1], words[2]);
                    yield value.map(v -> v + "\r\nOK\r\n").orElse("NOT FOUND\r\n");
                }
                case "DELETE" -> {
                    require(words, 3, "DELETE bucket key");
                    yield store.delete(words[1], words[2]) ? "OK\r\n" : "NOT FOUND\r\n";
                }
                default -> "UNKNOWN COMMAND\r\n";
            };
        } catch (IllegalArgumentException e) {
            return "ERROR " + oneLine(e.getMessage()) + "\r\n";
        } catch (KindlingException e) {
            return "ERROR bucket '" + words[1] + "' lives on " + store.owner(words[1]) + ": "
                    + oneLine(e.getMessage()) + "\r\n";
        }
    }

    private static void require(String[] words, int count, String usage) {
        if (words.length < count) {
            throw new IllegalArgumentException("missing arguments; usage: " + usage);
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replace('\r', ' ').replace('\n', ' ');
    }

    /** Stops listening and disconnects every client. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
