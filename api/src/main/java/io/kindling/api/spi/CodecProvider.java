package io.kindling.api.spi;

/**
 * Provides a {@link Codec}, selected by {@code kindling.codec} (default {@code java}). Settings are read from
 * {@code kindling.codec.<name>.*}.
 */
public interface CodecProvider extends PluginProvider<Codec> {
}
