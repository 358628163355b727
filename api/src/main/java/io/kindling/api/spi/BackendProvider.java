package io.kindling.api.spi;

/**
 * Provides a {@link Backend} that boots runner nodes for a pool, selected by name ({@code local}, {@code peer}, or
 * a user's own). Settings are read from {@code kindling.backend.<name>.*}.
 */
public interface BackendProvider extends PluginProvider<Backend> {
}
