package io.kindling.management.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Answering a request in one piece.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Http {

    private Http() {
    }

    /**
     * Sends a whole answer and closes the exchange.
     *
     * @param exchange the request
     * @param status the status code
     * @param contentType the content type; UTF-8 is added for text
     * @param body the body
     * @throws IOException if the client went away
     */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
