package io.kindling.strategy.epmd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One registration on a port mapper, as {@code PORT_PLEASE2_REQ} returns it.
 *
 * @param name the node's short name (before {@code @})
 * @param port the node's distribution port
 * @param nodeType {@code 77} ({@code M}) for a normal Erlang node, {@code 72} ({@code H}) for a hidden node or
 *     C node; Kindling registers as {@code 72}
 * @param protocol {@code 0}: TCP/IPv4
 * @param highestVersion the highest distribution version the node speaks
 * @param lowestVersion the lowest distribution version the node speaks
 * @param extra the registration's {@code Extra} bytes; Kindling's start with {@value #KINDLING_MARK}
 */
public record EpmdEntry(String name, int port, int nodeType, int protocol, int highestVersion, int lowestVersion,
        byte[] extra) {

    /** The prefix of a Kindling node's {@code Extra}: {@code kindling/1 <node name> <listen host>}. */
    public static final String KINDLING_MARK = "kindling/1 ";

    /** Node type of a hidden node or C node, {@code H}: what Kindling registers as. */
    public static final int HIDDEN_NODE = 72;

    /** Node type of a normal Erlang node, {@code M}. */
    public static final int NORMAL_NODE = 77;

    /** Checks and copies the parts. */
    public EpmdEntry {
        Objects.requireNonNull(name, "name");
        extra = extra.clone();
    }

    /** {@return a copy of the registration's Extra field} */
    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** {@return whether a Kindling node made this registration} */
    public boolean isKindling() {
        return kindlingInfo().isPresent();
    }

    /**
     * The Kindling node's full name and listen host, from {@code Extra}.
     *
     * @return {@code [name@host, listenHost]}, or empty for a registration that is not Kindling's
     */
    public Optional<String[]> kindlingInfo() {
        String text = new String(extra, StandardCharsets.UTF_8);
        if (!text.startsWith(KINDLING_MARK)) {
            return Optional.empty();
        }
        String[] parts = text.substring(KINDLING_MARK.length()).trim().split(" ");
        return parts.length == 2 ? Optional.of(parts) : Optional.empty();
    }

    /** {@return a word for the node type: {@code "M" (normal)}, {@code "H" (hidden)} or the number} */
    public String describeType() {
        return switch (nodeType) {
            case NORMAL_NODE -> "M, a normal Erlang node";
            case HIDDEN_NODE -> "H, a hidden node";
            default -> Integer.toString(nodeType);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EpmdEntry e && name.equals(e.name) && port == e.port && nodeType == e.nodeType
                && protocol == e.protocol && highestVersion == e.highestVersion && lowestVersion == e.lowestVersion
                && Arrays.equals(extra, e.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, port, nodeType, protocol, highestVersion, lowestVersion, Arrays.hashCode(extra));
    }

    @Override
    public String toString() {
        return "EpmdEntry[" + name + " at port " + port + ", type " + nodeType + ", versions " + lowestVersion + ".."
                + highestVersion + ", extra '" + new String(extra, StandardCharsets.UTF_8) + "']";
    }
}
