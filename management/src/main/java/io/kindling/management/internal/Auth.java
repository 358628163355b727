package io.kindling.management.internal;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The access token check: {@code Authorization: Bearer TOKEN}, or {@code ?token=TOKEN} (a browser's page and its
 * event stream cannot set headers). Without a token, every request passes (a loopback-only server).
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Auth {

    private final byte[] token;

    /**
     * A check for one token.
     *
     * @param token the token, or {@code null} or empty for none
     */
    public Auth(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** {@return whether a token is required} */
    public boolean required() {
        return token != null;
    }

    /**
     * {@return whether the request may go on; when not, it was answered 401}
     *
     * @param exchange the request
     * @throws java.io.IOException if answering fails
     */
    public boolean allows(HttpExchange exchange) throws java.io.IOException {
        if (token == null) {
            return true;
        }
        String given = null;
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            given = header.substring(7).trim();
        } else {
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("token=")) {
                        given = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        if (given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        Http.send(exchange, 401, "text/plain", "This endpoint needs the management access token: send "
                + "'Authorization: Bearer TOKEN' or add ?token=TOKEN (kindling.management.token)\n");
        return false;
    }
}
