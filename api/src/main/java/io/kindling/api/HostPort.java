package io.kindling.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host and a TCP or UDP port, as written in settings: {@code host:port}, or {@code [v6addr]:port} for an IPv6
 * address. The one parser of that form: node addresses, DNS servers and JGroups hosts all use it.
 *
 * @param host a host name or IP address (an IPv6 address without brackets)
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if the host is blank or the port is outside 1 to 65535
     */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6addr]:port}; the port is required.
     *
     * @param text the text
     * @return the host and port
     * @throws IllegalArgumentException if the text is not of that form; the message says what was wrong and shows
     *     the form
     */
    public static HostPort parse(String text) {
        return parse(text, 0);
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6addr]}, {@code [v6addr]:port} or a bare IPv6 address
     * (which then takes the default port).
     *
     * @param text the text
     * @param defaultPort the port when the text has none; 0 makes the port required
     * @return the host and port
     * @throws IllegalArgumentException if the text is not of that form, or has no port and none is defaulted
     */
    public static HostPort parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim();
        String host;
        String portText = null;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + NodeName.abbreviate(text)
                        + "' opens a bracketed IPv6 host without closing it: use [::1]:4370");
            }
            host = trimmed.substring(1, close);
            String rest = trimmed.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new IllegalArgumentException("'" + NodeName.abbreviate(text)
                            + "' has text after the bracketed IPv6 host that is not ':port': use [::1]:4370");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon >= 0 && trimmed.indexOf(':') != colon) {
                if (defaultPort != 0) { // a bare IPv6 address, as resolv.conf writes them
                    return new HostPort(trimmed, defaultPort);
                }
                throw new IllegalArgumentException("'" + NodeName.abbreviate(text)
                        + "' is an IPv6 host without brackets: write it as [::1]:4370");
            }
            host = colon < 0 ? trimmed : trimmed.substring(0, colon);
            portText = colon < 0 ? null : trimmed.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("'" + NodeName.abbreviate(text) + "' has no host: use host:port");
        }
        if (portText == null) {
            if (defaultPort == 0) {
                throw new IllegalArgumentException("'" + NodeName.abbreviate(text)
                        + "' has no port: use the form host:port, e.g. 127.0.0.1:4370");
            }
            return new HostPort(host, defaultPort);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + NodeName.abbreviate(text) + "' has port '"
                    + NodeName.abbreviate(portText) + "', which is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + NodeName.abbreviate(text) + "' has port " + port
                    + "; a port is between 1 and 65535");
        }
        return new HostPort(host, port);
    }

    /** {@return an unresolved socket address: no name lookup happens here} */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@return {@code host:port}, with an IPv6 host in brackets} */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
