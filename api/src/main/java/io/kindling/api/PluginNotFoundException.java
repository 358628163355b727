package io.kindling.api;

import java.util.List;

/** No plugin of the wanted kind has the given name. The message lists the names that were found. */
public class PluginNotFoundException extends KindlingException {

    /** The plugin kind. */
    private final String kind;
    /** The name asked for. */
    private final String name;
    /** The names found. */
    private final List<String> available;

    /**
     * No plugin of a kind has the name; the message lists those found.
     *
     * @param kind the plugin kind, e.g. {@code "transport"}
     * @param name the name asked for
     * @param available the names found on the module path and class path
     */
    public PluginNotFoundException(String kind, String name, List<String> available) {
        super("No " + kind + " plugin named '" + name + "'; found: "
                + (available.isEmpty() ? "none" : String.join(", ", available))
                + ". Check the spelling, or add the module that provides it to the module path or class path.");
        this.kind = kind;
        this.name = name;
        this.available = List.copyOf(available);
    }

    /** {@return the plugin kind} */
    public String kind() {
        return kind;
    }

    /** {@return the name asked for} */
    public String name() {
        return name;
    }

    /** {@return the names that were found, sorted} */
    public List<String> available() {
        return available;
    }
}
