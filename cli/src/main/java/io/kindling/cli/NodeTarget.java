package io.kindling.cli;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.strategy.epmd.EpmdClient;
import io.kindling.strategy.epmd.EpmdEntry;
import io.kindling.strategy.epmd.EpmdException;
import java.time.Duration;
import java.util.Optional;

/** A command's target node: {@code name@host:port}, or {@code name@host} looked up on the host's port mapper. */
final class NodeTarget {

    private NodeTarget() {
    }

    /**
     * Resolves a target to the address to dial.
     *
     * @param target {@code name@host:port} or {@code name@host}
     * @param epmdPort the port mapper's port, for a target without a port
     * @param timeout the bound on the port mapper lookup
     * @return the address
     * @throws KindlingCli.UsageException if the target is malformed
     * @throws io.kindling.api.KindlingException if the port mapper cannot be asked or does not know the name
     */
    static NodeAddress resolve(String target, int epmdPort, Duration timeout) {
        if (hasPort(target)) {
            try {
                return NodeAddress.parse(target);
            } catch (IllegalArgumentException e) {
                throw new KindlingCli.UsageException(e.getMessage());
            }
        }
        NodeName name;
        try {
            name = NodeName.parse(target);
        } catch (IllegalArgumentException e) {
            throw new KindlingCli.UsageException(e.getMessage() + "; give name@host (its port is looked up on host's"
                    + " port mapper) or name@host:port");
        }
        EpmdClient epmd = new EpmdClient(name.host(), epmdPort, timeout);
        Optional<EpmdEntry> entry;
        try {
            entry = epmd.lookup(name.name());
        } catch (EpmdException e) {
            throw new io.kindling.api.KindlingException("Cannot look up " + name + " on the port mapper at "
                    + name.host() + ":" + epmdPort + ": " + e.getMessage()
                    + "; give the node's port instead: " + name + ":PORT", e);
        }
        if (entry.isEmpty()) {
            throw new io.kindling.api.KindlingException("No node named '" + name.name()
                    + "' is registered with the port mapper at " + name.host() + ":" + epmdPort
                    + " (see kindling names " + name.host() + "); a Kindling node registers there with the epmd "
                    + "or local-epmd strategy");
        }
        if (!entry.get().isKindling()) {
            throw new io.kindling.api.KindlingException(name + " is registered with the port mapper at "
                    + name.host() + ":" + epmdPort + " as an Erlang node (" + entry.get().describeType()
                    + "), not a Kindling node");
        }
        return new NodeAddress(name, name.host(), entry.get().port());
    }

    /**
     * {@return the port mapper's port for targets without a port: {@code ERL_EPMD_PORT} as Erlang reads it, else
     * {@code kindling.epmd.port}, else 4369}
     *
     * @param config the configuration
     * @throws KindlingCli.UsageException if {@code ERL_EPMD_PORT} is not a number
     */
    static int defaultEpmdPort(io.kindling.api.Config config) {
        String variable = System.getenv("ERL_EPMD_PORT");
        if (variable != null && !variable.isBlank()) {
            try {
                return Integer.parseInt(variable.trim());
            } catch (NumberFormatException e) {
                throw new KindlingCli.UsageException("ERL_EPMD_PORT is '" + variable + "', not a port number");
            }
        }
        return config.getInt("kindling.epmd.port", EpmdClient.DEFAULT_PORT);
    }

    /** Whether the text after the last {@code @} ends in {@code :port} (an IPv6 host is bracketed). */
    static boolean hasPort(String target) {
        String host = target.substring(target.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.lastIndexOf(']') < colon;
    }
}
