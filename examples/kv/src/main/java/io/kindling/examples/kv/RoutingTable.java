package io.kindling.examples.kv;

import io.kindling.api.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guide's routing table: ranges of a bucket name's first character, each owned by a node. Written
 * {@code a-m:foo@127.0.0.1,n-z:bar@127.0.0.1} (the setting {@code kv.routing-table}); a single character stands for
 * itself ({@code q:baz@host}). Ranges are compared case-insensitively and must not overlap.
 *
 * @param entries the ranges, in the order given
 */
public record RoutingTable(List<Entry> entries) {

    /**
     * One range.
     *
     * @param from its first character
     * @param to its last character
     * @param node the node that owns buckets starting in it
     */
    public record Entry(char from, char to, NodeName node) {
        boolean covers(char c) {
            return c >= from && c <= to;
        }

        @Override
        public String toString() {
            return (from == to ? String.valueOf(from) : from + "-" + to) + ":" + node;
        }
    }

    /** Copies the entries. */
    public RoutingTable {
        entries = List.copyOf(entries);
    }

    /**
     * Parses a table.
     *
     * @param text the setting's value
     * @return the table
     * @throws IllegalArgumentException if an entry is malformed, a range is backwards, two ranges overlap, or the
     *     table is empty; the message quotes the entry and shows the expected form
     */
    public static RoutingTable parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw malformed(entry, "it has no ':' between the range and the node");
            }
            String range = entry.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            char from;
            char to;
            if (range.length() == 1) {
                from = range.charAt(0);
                to = from;
            } else if (range.length() == 3 && range.charAt(1) == '-') {
                from = range.charAt(0);
                to = range.charAt(2);
            } else {
                throw malformed(entry, "the range '" + range + "' is not one character or two joined by '-'");
            }
            if (from > to) {
                throw malformed(entry, "the range runs backwards");
            }
            NodeName node;
            try {
                node = NodeName.parse(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw malformed(entry, e.getMessage());
            }
            Entry parsed = new Entry(from, to, node);
            for (Entry other : entries) {
                if (parsed.from <= other.to && other.from <= parsed.to) {
                    throw malformed(entry, "it overlaps " + other);
                }
            }
            entries.add(parsed);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("The routing table is empty; expected entries like "
                    + "a-m:foo@127.0.0.1,n-z:bar@127.0.0.1");
        }
        return new RoutingTable(entries);
    }

    /**
     * The node that owns a bucket.
     *
     * @param bucket the bucket's name
     * @return its node
     * @throws IllegalArgumentException if no range covers the name's first character; the message shows the table
     */
    public NodeName route(String bucket) {
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("A bucket needs a name");
        }
        char first = Character.toLowerCase(bucket.charAt(0));
        for (Entry entry : entries) {
            if (entry.covers(first)) {
                return entry.node();
            }
        }
        throw new IllegalArgumentException("Bucket '" + bucket + "' starts with '" + bucket.charAt(0)
                + "', which no entry of the routing table covers (" + this + ")");
    }

    @Override
    public String toString() {
        return String.join(",", entries.stream().map(Entry::toString).toList());
    }

    private static IllegalArgumentException malformed(String entry, String why) {
        return new IllegalArgumentException("Routing table entry '" + entry + "' is malformed: " + why
                + "; expected FROM-TO:node@host, e.g. a-m:foo@127.0.0.1");
    }
}
