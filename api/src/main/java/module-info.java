/**
 * Kindling's public types and service provider interfaces.
 *
 * <p>{@code io.kindling.api} holds what applications use: {@link io.kindling.api.Node}, node names and addresses,
 * tasks, events, {@link io.kindling.api.Config} and the exception hierarchy under
 * {@link io.kindling.api.KindlingException}. {@code io.kindling.api.metrics} holds a node's metrics as records.
 * {@code io.kindling.api.spi} holds the plugin contracts, each an interface plus a {@code *Provider} found by
 * {@link java.util.ServiceLoader}. This module depends on nothing outside the JDK.
 */
module io.kindling.api {
    exports io.kindling.api;
    exports io.kindling.api.spi;
    exports io.kindling.api.metrics;
}
