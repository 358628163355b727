package io.kindling.management.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent event stream ({@code text/event-stream}): each event is one JSON object with its {@code type} and
 * {@code time}. A new client first gets the last {@value #REPLAYED} events. Each client has a queue of
 * {@value #MAX_QUEUED} events: a client that falls that far behind is disconnected (it can reconnect), so a slow
 * reader never holds unbounded memory. An idle stream sends a comment every 15 s, which also finds clients that
 * went away.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class EventStream implements AutoCloseable {

    static final int MAX_QUEUED = 256;
    static final int REPLAYED = 50;
    private static final String CLOSE = "\0close";

    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private volatile boolean closed;

    /** A stream with no clients yet. */
    public EventStream() {
    }

    /**
     * Publishes an event to every client.
     *
     * @param type the event's type, e.g. {@code node-up}
     * @param fields its other fields
     */
    public void publish(String type, Map<String, ?> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("time", System.currentTimeMillis());
        event.putAll(fields);
        String json = Json.write(event);
        synchronized (recent) {
            recent.addLast(json);
            if (recent.size() > REPLAYED) {
                recent.removeFirst();
            }
        }
        for (BlockingQueue<String> client : clients) {
            if (!client.offer(json)) {
                clients.remove(client);
                client.clear();
                client.offer(CLOSE); // too slow: it is dropped, and reconnects if it wants more
            }
        }
    }

    /**
     * Serves one client until it goes away or the stream closes; blocks its (virtual) thread meanwhile.
     *
     * @param exchange the request
     * @throws IOException if the client went away before the headers were sent
     */
    public void serve(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
        List<String> replay;
        synchronized (recent) {
            replay = List.copyOf(recent);
        }
        clients.add(queue);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(": kindling events\n\n".getBytes(StandardCharsets.UTF_8));
            for (String event : replay) {
                write(out, event);
            }
            out.flush();
            while (!closed) {
                String event = queue.poll(15, TimeUnit.SECONDS);
                if (event == null) {
                    out.write(": idle\n\n".getBytes(StandardCharsets.UTF_8));
                } else if (event.equals(CLOSE)) {
                    return;
                } else {
                    write(out, event);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            clients.remove(queue);
        }
    }

    private static void write(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@return how many clients are connected} */
    public int clients() {
        return clients.size();
    }

    /** Ends every client's stream. */
    @Override
    public void close() {
        closed = true;
        for (BlockingQueue<String> client : clients) {
            client.clear();
            client.offer(CLOSE);
        }
    }
}
