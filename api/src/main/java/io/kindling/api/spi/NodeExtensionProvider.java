package io.kindling.api.spi;

/**
 * Provides a {@link NodeExtension}. Extensions named in {@code kindling.extensions} (comma-separated) start with
 * every node; a runner starts the ones its pool names. Settings are read from {@code kindling.extension.<name>.*}.
 */
public interface NodeExtensionProvider extends PluginProvider<NodeExtension> {
}
