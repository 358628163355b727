package io.kindling.strategy.dns;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.HostPort;
import io.kindling.api.NodeName;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the {@code dns} strategy, read from {@code kindling.strategy.dns.*}.
 *
 * <p>One query with {@code query}, {@code basename}, {@code type} ({@code a}, the default, or {@code srv}) and, for
 * {@code a}, {@code port}; or several with {@code queries}, each {@code a:basename@name:port} or
 * {@code srv:basename@name}. {@code timeout} bounds each query (default 5 s). {@code servers} lists name servers as
 * {@code host[:port]} (default port 53); unset, the system's are used, from {@code resolv-conf} (default
 * {@code /etc/resolv.conf}), with its {@code search} domains and {@code ndots}.
 *
 * @param queries what to ask
 * @param timeout the bound on each query
 * @param servers explicit name servers; empty for the system's
 * @param resolvConf the system resolver configuration, read when {@code servers} is empty
 */
public record DnsOptions(List<Query> queries, Duration timeout, List<InetSocketAddress> servers, Path resolvConf) {

    /** What kind of records a query asks for. */
    public enum Type {
        /** A and AAAA records of a name: a node {@code basename@ip} on the query's port at each address. */
        ADDRESS,
        /** SRV records of a name: a node {@code basename@target} at each target's address and port. */
        SRV
    }

    /**
     * One query.
     *
     * @param type A/AAAA or SRV
     * @param basename the node name part (before {@code @}) of the nodes it finds
     * @param name the DNS name asked
     * @param port the nodes' port, for {@link Type#ADDRESS}; 0 for {@link Type#SRV}
     */
    public record Query(Type type, String basename, String name, int port) {
        /** Checks the parts. */
        public Query {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            NodeName.of(basename, "localhost"); // validates the name part, with a clear message
            if (name.isBlank()) {
                throw new IllegalArgumentException("A DNS query needs a name");
            }
            if (type == Type.ADDRESS && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("An A/AAAA query for " + name + " needs the nodes' port "
                        + "(1 to 65535), not " + port);
            }
        }

        @Override
        public String toString() {
            return (type == Type.SRV ? "SRV " : "A/AAAA ") + name;
        }
    }

    /** Checks and copies the parts. */
    public DnsOptions {
        queries = List.copyOf(queries);
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(resolvConf, "resolvConf");
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("The dns strategy needs at least one query");
        }
        Durations.requirePositive(timeout, "DNS timeout");
    }

    /**
     * Options for one query against the system's resolver, with a 5 s timeout.
     *
     * @param query the query
     * @return the options
     */
    public static DnsOptions of(Query query) {
        return new DnsOptions(List.of(query), Duration.ofSeconds(5), List.of(), Path.of("/etc/resolv.conf"));
    }

    /**
     * These options with other name servers.
     *
     * @param servers name servers to ask instead of the system's
     * @return these options with those servers
     */
    public DnsOptions withServers(List<InetSocketAddress> servers) {
        return new DnsOptions(queries, timeout, servers, resolvConf);
    }

    /**
     * These options with another timeout.
     *
     * @param timeout another bound on each query
     * @return these options with that timeout
     */
    public DnsOptions withTimeout(Duration timeout) {
        return new DnsOptions(queries, timeout, servers, resolvConf);
    }

    /**
     * Reads the settings from a configuration scoped to {@code kindling.strategy.dns}.
     *
     * @param config the scoped configuration
     * @return the options
     * @throws ConfigException if a setting is missing or malformed; the message names it
     */
    public static DnsOptions fromConfig(Config config) {
        List<Query> queries = new ArrayList<>();
        try {
            config.get("query").filter(v -> !v.isBlank()).ifPresent(name -> {
                String type = config.getString("type", "a").toLowerCase(Locale.ROOT);
                String basename = config.require("basename");
                queries.add(switch (type) {
                    case "a", "aaaa", "address" -> new Query(Type.ADDRESS, basename, name.trim(),
                            config.getInt("port", 0));
                    case "srv" -> new Query(Type.SRV, basename, name.trim(), 0);
                    default -> throw new ConfigException(config.fullKey("type"), "Setting " + config.fullKey("type")
                            + " = '" + type + "' is not a or srv");
                });
            });
            for (String entry : config.getList("queries")) {
                queries.add(parse(config, entry));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.fullKey("query"), "The dns strategy's query is invalid: "
                    + e.getMessage());
        }
        if (queries.isEmpty()) {
            throw new ConfigException(config.fullKey("query"), "The dns strategy needs what to ask: set "
                    + config.fullKey("query") + " and " + config.fullKey("basename") + " (and "
                    + config.fullKey("port") + " for A/AAAA), or " + config.fullKey("queries"));
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String server : config.getList("servers")) {
            servers.add(server(config, server));
        }
        Duration timeout = Durations.positiveSetting(config, "timeout", null, Duration.ofSeconds(5));
        return new DnsOptions(queries, timeout, servers,
                Path.of(config.getString("resolv-conf", "/etc/resolv.conf")));
    }

    private static Query parse(Config config, String entry) {
        String key = config.fullKey("queries");
        int colon = entry.indexOf(':');
        int at = entry.indexOf('@');
        if (colon < 0 || at < colon) {
            throw new ConfigException(key, "Setting " + key + ": '" + entry + "' is not a:basename@name:port or "
                    + "srv:basename@name");
        }
        String type = entry.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String basename = entry.substring(colon + 1, at).trim();
        String rest = entry.substring(at + 1).trim();
        return switch (type) {
            case "a", "aaaa", "address" -> {
                HostPort hostPort;
                try {
                    hostPort = HostPort.parse(rest);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key, "Setting " + key + ": '" + entry + "': " + e.getMessage()
                            + " (a:" + basename + "@NAME:PORT)");
                }
                yield new Query(Type.ADDRESS, basename, hostPort.host(), hostPort.port());
            }
            case "srv" -> new Query(Type.SRV, basename, rest, 0);
            default -> throw new ConfigException(key, "Setting " + key + ": '" + entry + "' starts with '" + type
                    + "', not a or srv");
        };
    }

    private static InetSocketAddress server(Config config, String server) {
        try {
            return HostPort.parse(server, 53).unresolved();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.fullKey("servers"), "Setting " + config.fullKey("servers") + ": "
                    + e.getMessage());
        }
    }
}
