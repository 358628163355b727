package io.kindling.strategy.jgroups;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.HostPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@code jgroups} strategy, read from {@code kindling.strategy.jgroups.*}.
 *
 * @param cluster the JGroups cluster (channel) name; nodes with another name never see each other ({@code cluster},
 *     default {@code kindling})
 * @param config a JGroups XML stack, as a file path or a class-path resource such as {@code udp.xml} or a
 *     {@code DNS_PING}/{@code KUBE_PING} stack of your own ({@code config}); empty, the default, means the built-in
 *     stack below
 * @param bindAddress the built-in stack's TCP bind address ({@code bind-address}, default {@code 127.0.0.1}: one
 *     machine; set this host's LAN address to reach others)
 * @param bindPort the built-in stack's first TCP port ({@code bind-port}, default 7800)
 * @param portRange how many ports after {@code bindPort} the built-in stack may take and probe ({@code port-range},
 *     default 10)
 * @param initialHosts the members the built-in stack's TCPPING asks, as {@code host:port} or {@code host[port]}
 *     ({@code initial-hosts}; default {@code bindAddress[bindPort]} and the ports after it)
 */
public record JGroupsOptions(String cluster, String config, String bindAddress, int bindPort, int portRange,
        List<InetSocketAddress> initialHosts) {

    /** Checks the values. */
    public JGroupsOptions {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(bindAddress, "bindAddress");
        initialHosts = List.copyOf(initialHosts);
        if (cluster.isBlank()) {
            throw new IllegalArgumentException("The JGroups cluster name must not be blank");
        }
        if (bindPort < 0 || bindPort > 65535 || portRange < 0 || portRange > 1000) {
            throw new IllegalArgumentException("JGroups bind port must be 0 to 65535 and port range 0 to 1000, not "
                    + bindPort + " and " + portRange);
        }
    }

    /** {@return the defaults: cluster {@code kindling}, the built-in stack on 127.0.0.1:7800, range 10} */
    public static JGroupsOptions defaults() {
        return new JGroupsOptions("kindling", "", "127.0.0.1", 7800, 10, List.of());
    }

    /**
     * Reads the settings from a configuration scoped to {@code kindling.strategy.jgroups}.
     *
     * @param config the scoped configuration
     * @return the options
     * @throws ConfigException if a value is malformed; the message names it
     */
    public static JGroupsOptions fromConfig(Config config) {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String entry : config.getList("initial-hosts")) {
            hosts.add(host(config, entry));
        }
        try {
            return new JGroupsOptions(config.getString("cluster", "kindling"), config.getString("config", ""),
                    config.getString("bind-address", "127.0.0.1"), config.getInt("bind-port", 7800),
                    config.getInt("port-range", 10), hosts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.fullKey("bind-port"), "The jgroups strategy's settings are invalid: "
                    + e.getMessage());
        }
    }

    /**
     * These options with another cluster name.
     *
     * @param cluster another cluster name
     * @return these options with it
     */
    public JGroupsOptions withCluster(String cluster) {
        return new JGroupsOptions(cluster, config, bindAddress, bindPort, portRange, initialHosts);
    }

    /**
     * These options with other ports for the built-in stack.
     *
     * @param bindPort the built-in stack's first port
     * @param portRange how many ports after it
     * @param initialHosts the members TCPPING asks
     * @return these options with them
     */
    public JGroupsOptions withPorts(int bindPort, int portRange, List<InetSocketAddress> initialHosts) {
        return new JGroupsOptions(cluster, config, bindAddress, bindPort, portRange, initialHosts);
    }

    /**
     * These options with a stack from XML.
     *
     * @param config a JGroups XML stack (file or class-path resource)
     * @return these options using it instead of the built-in stack
     */
    public JGroupsOptions withConfig(String config) {
        return new JGroupsOptions(cluster, config, bindAddress, bindPort, portRange, initialHosts);
    }

    /** {@code host:port}, or JGroups' own {@code host[port]}. */
    private static InetSocketAddress host(Config config, String entry) {
        String text = entry.trim();
        int bracket = text.indexOf('[');
        if (bracket > 0 && text.endsWith("]")) {
            text = text.substring(0, bracket) + ":" + text.substring(bracket + 1, text.length() - 1);
        }
        try {
            return HostPort.parse(text).unresolved();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.fullKey("initial-hosts"), "Setting " + config.fullKey("initial-hosts")
                    + ": '" + entry + "' is not host:port or host[port]: " + e.getMessage());
        }
    }
}
