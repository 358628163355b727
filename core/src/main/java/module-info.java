/**
 * Kindling's runtime: {@link io.kindling.core.KindlingNode} (an authenticated node over the {@code tcp} transport
 * and the {@code java} codec), {@link io.kindling.core.Cluster} (discovery and reconnection; the {@code static}
 * strategy), {@link io.kindling.core.KindlingConfig} (layered configuration) and {@link io.kindling.core.Plugins} (plugin
 * lookup by name).
 */
module io.kindling.core {
    requires transitive io.kindling.api;

    exports io.kindling.core;

    // Plugin lookup happens here, so the module declares every SPI it loads.
    uses io.kindling.api.spi.TransportProvider;
    uses io.kindling.api.spi.CodecProvider;
    uses io.kindling.api.spi.DiscoveryStrategyProvider;
    uses io.kindling.api.spi.BackendProvider;
    uses io.kindling.api.spi.NodeExtensionProvider;

    provides io.kindling.api.spi.TransportProvider with io.kindling.core.internal.TcpTransportProvider;
    provides io.kindling.api.spi.CodecProvider with io.kindling.core.internal.JavaCodecProvider;
    provides io.kindling.api.spi.DiscoveryStrategyProvider with io.kindling.core.internal.StaticStrategyProvider;
    provides io.kindling.api.spi.BackendProvider with io.kindling.core.internal.LocalBackendProvider;
}
