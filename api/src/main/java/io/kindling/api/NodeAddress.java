package io.kindling.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a node listens: its name plus the host and TCP port to dial.
 *
 * <p>The dial host is usually the host part of the name, but may differ (a name can use a DNS name while the
 * address carries the IP that discovery found). The text form is {@code name@host:port}; an IPv6 host is written
 * in brackets, {@code app@[::1]:4370}.
 *
 * @param name the node's name
 * @param host the host or IP address to dial
 * @param port the TCP port, 1 to 65535
 */
public record NodeAddress(NodeName name, String host, int port) implements java.io.Serializable {

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if the host is empty or the port is outside 1 to 65535
     */
    public NodeAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("Address of node " + name + " has an empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Address of node " + name + " has port " + port
                    + "; a port is between 1 and 65535");
        }
    }

    /**
     * An address that dials the host of the node's own name.
     *
     * @param name the node's name
     * @param port its TCP port
     * @return the address
     */
    public static NodeAddress of(NodeName name, int port) {
        return new NodeAddress(name, name.host(), port);
    }

    /**
     * Parses {@code name@host:port} (IPv6: {@code name@[addr]:port}); the dial host is the name's host.
     *
     * @param text the address
     * @return the parsed address
     * @throws IllegalArgumentException if the text is not of that form, with what was wrong
     */
    public static NodeAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("Node address '" + NodeName.abbreviate(text)
                    + "' has no '@': use the form name@host:port, e.g. app@127.0.0.1:4370");
        }
        HostPort hostPort;
        try {
            hostPort = HostPort.parse(text.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Node address '" + NodeName.abbreviate(text) + "': "
                    + e.getMessage() + " (the form is name@host:port, e.g. app@127.0.0.1:4370)", e);
        }
        String host = hostPort.host();
        int port = hostPort.port();
        NodeName name = new NodeName(text.substring(0, at), host);
        return new NodeAddress(name, host, port);
    }

    /**
     * Resolves the dial host and returns a socket address; may block on a name lookup.
     *
     * @return the socket address to connect to
     */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** {@return the address as {@code name@host:port}, or {@code name@nhost (host:port)} when the hosts differ} */
    @Override
    public String toString() {
        String hostPort = new HostPort(host, port).toString();
        return host.equals(name.host()) ? name.name() + "@" + hostPort : name + " (" + hostPort + ")";
    }
}
