package io.kindling.api.spi;

/**
 * Provides a {@link DiscoveryStrategy}, selected by name for a cluster ({@code kindling.cluster.strategy}).
 * Settings are read from {@code kindling.strategy.<name>.*}.
 */
public interface DiscoveryStrategyProvider extends PluginProvider<DiscoveryStrategy> {
}
