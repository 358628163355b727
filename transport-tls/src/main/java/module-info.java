/**
 * The {@code tls} transport: TLS 1.3 with mutual authentication, on the JDK's {@code javax.net.ssl} only. Select
 * it with {@code kindling.transport=tls}; settings under {@code kindling.transport.tls.*}, see
 * {@link io.kindling.transport.tls.TlsOptions}.
 */
module io.kindling.transport.tls {
    requires transitive io.kindling.api;

    exports io.kindling.transport.tls;

    provides io.kindling.api.spi.TransportProvider with io.kindling.transport.tls.TlsTransportProvider;
}
