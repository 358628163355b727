package io.kindling.api;

import java.util.Objects;

/**
 * The name of a node, in the Erlang form {@code name@host}, for example {@code app@10.0.0.7}.
 *
 * <p>The name part is made of letters, digits, {@code _}, {@code -} and {@code .}; the host part is a host name,
 * an IPv4 address or an IPv6 address (written bare, without brackets: {@code app@::1}). Neither part may be empty
 * or contain white space, and the whole name is at most {@value #MAX_LENGTH} characters. Names compare by their
 * text, so they sort and break ties the same way on every node.
 *
 * @param name the part before {@code @}
 * @param host the part after {@code @}
 */
public record NodeName(String name, String host) implements Comparable<NodeName>, java.io.Serializable {

    /** The longest accepted full name ({@code name@host}), in characters. */
    public static final int MAX_LENGTH = 255;

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if a part is empty, contains white space or {@code @}, the name part has a
     *     character other than letters, digits, {@code _ - .}, or the full name is longer than {@value #MAX_LENGTH}
     */
    public NodeName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Node name '" + name + "@" + host
                    + "' has an empty name part: use the form name@host, e.g. app@127.0.0.1");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("Node name '" + name + "@" + host
                    + "' has an empty host part: use the form name@host, e.g. app@127.0.0.1");
        }
        if (name.length() + 1 + host.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Node name '" + abbreviate(name + "@" + host) + "' is "
                    + (name.length() + 1 + host.length()) + " characters long; the limit is " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                throw new IllegalArgumentException("Node name '" + name + "@" + host + "' has " + describe(c)
                        + " in its name part; use only letters, digits, '_', '-' and '.'");
            }
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '@' || c == '/' || c == '['
                    || c == ']') {
                throw new IllegalArgumentException("Node name '" + name + "@" + host + "' has " + describe(c)
                        + " in its host part; give a host name or an IP address");
            }
        }
    }

    /**
     * Parses {@code name@host}.
     *
     * @param text the full name
     * @return the parsed name
     * @throws IllegalArgumentException if the text has no {@code @}, more than one, or either part is invalid
     */
    public static NodeName parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("Node name '" + abbreviate(text)
                    + "' has no '@': use the form name@host, e.g. app@127.0.0.1");
        }
        if (text.indexOf('@', at + 1) >= 0) {
            throw new IllegalArgumentException("Node name '" + abbreviate(text)
                    + "' has more than one '@': use the form name@host, e.g. app@127.0.0.1");
        }
        return new NodeName(text.substring(0, at), text.substring(at + 1));
    }

    /**
     * Creates a name from its parts.
     *
     * @param name the part before {@code @}
     * @param host the part after {@code @}
     * @return the name
     * @throws IllegalArgumentException as {@link #NodeName(String, String)}
     */
    public static NodeName of(String name, String host) {
        return new NodeName(name, host);
    }

    @Override
    public int compareTo(NodeName other) {
        return toString().compareTo(other.toString());
    }

    /*
     * equals and hashCode are written out, with the meaning a record gives them: the generated ones bootstrap
     * method handles on first use, about 10 ms in a fresh JVM, and a runner's first connection used to pay it.
     */

    /** {@return whether the other is a node name with the same name and host parts} */
    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof NodeName that && name.equals(that.name) && host.equals(that.host);
    }

    /** {@return a hash of the name and host parts} */
    @Override
    public int hashCode() {
        return 31 * name.hashCode() + host.hashCode();
    }

    /** {@return the name as {@code name@host}} */
    @Override
    public String toString() {
        return name + "@" + host;
    }

    private static String describe(char c) {
        if (Character.isWhitespace(c)) {
            return "white space";
        }
        if (Character.isISOControl(c)) {
            return String.format("the control character U+%04X", (int) c);
        }
        return "the character '" + c + "'";
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
