package io.kindling.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The key–value attributes a node carries and that other nodes read after connecting (region, version, user
 * keys). Immutable.
 *
 * <p>Keys are 1 to {@value #MAX_KEY_LENGTH} characters of letters, digits, {@code _ - . /}; values are at most
 * {@value #MAX_VALUE_LENGTH} characters; at most {@value #MAX_ENTRIES} entries. The limits keep the handshake
 * small.
 *
 * @param values the attributes; copied
 */
public record NodeAttributes(Map<String, String> values) implements java.io.Serializable {

    /** The most entries a node can carry. */
    public static final int MAX_ENTRIES = 64;
    /** The longest key. */
    public static final int MAX_KEY_LENGTH = 64;
    /** The longest value. */
    public static final int MAX_VALUE_LENGTH = 1024;

    private static final NodeAttributes EMPTY = new NodeAttributes(Map.of());

    /**
     * Validates and copies the attributes.
     *
     * @throws IllegalArgumentException if a key or value breaks the limits above
     */
    public NodeAttributes {
        Objects.requireNonNull(values, "values");
        if (values.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("A node carries at most " + MAX_ENTRIES + " attributes, not "
                    + values.size());
        }
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((key, value) -> {
            Objects.requireNonNull(key, "attribute key");
            Objects.requireNonNull(value, () -> "value of attribute " + key);
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("Attribute key '" + key + "' must be 1 to " + MAX_KEY_LENGTH
                        + " characters long");
            }
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/')) {
                    throw new IllegalArgumentException("Attribute key '" + key + "' has the character '" + c
                            + "'; use letters, digits, '_', '-', '.' and '/'");
                }
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("Attribute '" + key + "' has a value of " + value.length()
                        + " characters; the limit is " + MAX_VALUE_LENGTH);
            }
            copy.put(key, value);
        });
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /** {@return no attributes} */
    public static NodeAttributes empty() {
        return EMPTY;
    }

    /**
     * Attributes from a map.
     *
     * @param values the attributes
     * @return the validated, copied attributes
     */
    public static NodeAttributes of(Map<String, String> values) {
        return values.isEmpty() ? EMPTY : new NodeAttributes(values);
    }

    /**
     * The value of one attribute.
     *
     * @param key the key
     * @return the value, or empty when the node does not carry it
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A copy with one attribute set.
     *
     * @param key the key
     * @param value the value
     * @return the new attributes
     */
    public NodeAttributes with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new NodeAttributes(copy);
    }
}
