package io.kindling.api.spi;

/**
 * Provides a {@link NodeExtension}. Extensions named in {@code kindling.extensions} (comma-separated) start with
 * every node; a runner starts the ones its pool names. A provider that {@linkplain #startsByDefault() starts by
 * default} starts with every node that finds it, unless named in {@code kindling.extensions.disabled}. Settings
 * are read from {@code kindling.extension.<name>.*}.
 */
public interface NodeExtensionProvider extends PluginProvider<NodeExtension> {

    /**
     * Whether every node that finds this provider (on its module path or class path) starts its extension without
     * being told to: for extensions that a module brings to every node it is on, such as region answers.
     *
     * @return {@code false} unless overridden
     */
    default boolean startsByDefault() {
        return false;
    }
}
