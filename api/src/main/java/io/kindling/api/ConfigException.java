package io.kindling.api;

/** A configuration value is missing or cannot be read as the type its key needs. The message names the key and
 * the bad value. */
public class ConfigException extends KindlingException {

    /** The full key of the setting. */
    private final String key;

    /**
     * A configuration error.
     *
     * @param key the full key, e.g. {@code kindling.heartbeat.timeout}
     * @param message what is wrong and what is expected
     */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** {@return the full key} */
    public String key() {
        return key;
    }
}
