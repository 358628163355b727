package io.kindling.api.spi;

/**
 * Provides a {@link Transport}, selected by {@code kindling.transport} (default {@code tcp}). Settings are read
 * from {@code kindling.transport.<name>.*}.
 */
public interface TransportProvider extends PluginProvider<Transport> {
}
