package io.kindling.api.spi;

import io.kindling.api.Config;

/**
 * What every plugin provider has: a stable name, by which configuration selects it, and a factory.
 *
 * <p>A provider is a public class with a public no-argument constructor, registered twice so that both ways of
 * running find it: {@code provides <Kind>Provider with <Class>;} in its {@code module-info.java} for the module path,
 * and a {@code META-INF/services/io.kindling.api.spi.<Kind>Provider} file for the class path. It should be
 * stateless and cheap to construct: lookup instantiates every provider of a kind to read its name.
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T> {

    /**
     * The name configuration uses to select this plugin, e.g. {@code "tcp"} or {@code "dns"}. Lower case letters,
     * digits and {@code -}; unique within its kind.
     *
     * @return the name
     */
    String name();

    /**
     * Creates the plugin.
     *
     * @param config the settings under {@code kindling.<kind>.<name>}, with that prefix removed
     * @return a new plugin instance
     * @throws io.kindling.api.ConfigException if a setting is invalid
     */
    T create(Config config);
}
