package io.kindling.strategy.epmd;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import io.kindling.api.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the {@code epmd} and {@code local-epmd} strategies, read from {@code kindling.strategy.epmd.*} by
 * both.
 *
 * @param host the port mapper this node registers with and {@code local-epmd} asks ({@code host}, default
 *     {@code 127.0.0.1})
 * @param port the port mapper port on every host ({@code port}; else the environment variable
 *     {@code KINDLING_EPMD_PORT}; default {@value EpmdClient#DEFAULT_PORT})
 * @param server whether this node starts a port mapper ({@code server}: {@code never}, {@code if-absent} (default),
 *     {@code always})
 * @param serverAddress the address a port mapper started here listens on ({@code server-address}; empty, the
 *     default, means every interface, as {@code epmd})
 * @param timeout the bound on each port mapper request ({@code timeout}, default 5 s)
 * @param nodes the nodes the {@code epmd} strategy looks up, {@code name@host} ({@code nodes}; required there,
 *     unused by {@code local-epmd})
 */
public record EpmdOptions(String host, int port, ServerMode server, String serverAddress, Duration timeout,
        List<NodeName> nodes) {

    /** When a node starts its own port mapper. */
    public enum ServerMode {
        /** Never: a port mapper must run (Erlang's {@code epmd}, or another Kindling node's). */
        NEVER,
        /** When none answers on the port mapper's address, at start and whenever the registration is lost. */
        IF_ABSENT,
        /** Always: starting fails if the port is taken. */
        ALWAYS
    }

    /** Checks the values. */
    public EpmdOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(timeout, "timeout");
        nodes = List.copyOf(nodes);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port mapper port must be 1 to 65535, not " + port);
        }
        Durations.requirePositive(timeout, "Port mapper timeout");
    }

    /** {@return the defaults: 127.0.0.1:4369, if-absent, every interface, 5 s, no nodes} */
    public static EpmdOptions defaults() {
        return new EpmdOptions("127.0.0.1", EpmdClient.DEFAULT_PORT, ServerMode.IF_ABSENT, "", Duration.ofSeconds(5),
                List.of());
    }

    /**
     * Reads the settings from {@code kindling.strategy.epmd.*} of a configuration (any view of it).
     *
     * @param config the configuration
     * @return the options
     * @throws ConfigException if a value is malformed; the message names the key
     */
    public static EpmdOptions fromConfig(Config config) {
        Config root = config.root();
        Config epmd = root.scoped("kindling.strategy.epmd");
        int defaultPort = root.getInt("kindling.epmd.port", EpmdClient.DEFAULT_PORT);
        int port = epmd.getInt("port", defaultPort);
        if (port < 1 || port > 65535) {
            throw new ConfigException(epmd.fullKey("port"), "Setting " + epmd.fullKey("port") + " = " + port
                    + " is not a port (1 to 65535)");
        }
        String mode = epmd.getString("server", "if-absent").toLowerCase(Locale.ROOT);
        ServerMode server = switch (mode) {
            case "never" -> ServerMode.NEVER;
            case "if-absent", "if_absent" -> ServerMode.IF_ABSENT;
            case "always" -> ServerMode.ALWAYS;
            default -> throw new ConfigException(epmd.fullKey("server"), "Setting " + epmd.fullKey("server")
                    + " = '" + mode + "' is not one of never, if-absent, always");
        };
        Duration timeout = Durations.positiveSetting(epmd, "timeout", null, Duration.ofSeconds(5));
        List<NodeName> nodes = new ArrayList<>();
        for (String entry : epmd.getList("nodes")) {
            try {
                nodes.add(NodeName.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(epmd.fullKey("nodes"), "Setting " + epmd.fullKey("nodes") + ": '" + entry
                        + "' is not a node name (name@host): " + e.getMessage());
            }
        }
        return new EpmdOptions(epmd.getString("host", "127.0.0.1"), port, server, epmd.getString("server-address",
                ""), timeout, nodes);
    }

    /**
     * These options with another port.
     *
     * @param port another port mapper port
     * @return these options with that port
     */
    public EpmdOptions withPort(int port) {
        return new EpmdOptions(host, port, server, serverAddress, timeout, nodes);
    }

    /**
     * These options with another server mode.
     *
     * @param server another server mode
     * @param serverAddress the address a started port mapper listens on; empty for every interface
     * @return these options with that mode
     */
    public EpmdOptions withServer(ServerMode server, String serverAddress) {
        return new EpmdOptions(host, port, server, serverAddress, timeout, nodes);
    }

    /**
     * These options with other nodes.
     *
     * @param nodes the nodes the {@code epmd} strategy looks up
     * @return these options with those nodes
     */
    public EpmdOptions withNodes(List<NodeName> nodes) {
        return new EpmdOptions(host, port, server, serverAddress, timeout, nodes);
    }
}
