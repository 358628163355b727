package io.kindling.transport.tls;

import io.kindling.api.Config;
import io.kindling.api.spi.Transport;
import io.kindling.api.spi.TransportProvider;
import io.kindling.transport.tls.internal.TlsTransport;

/**
 * Provides the {@code tls} transport: TLS 1.3 over TCP, both sides presenting a certificate their peer trusts, the
 * node name bound to the certificate, the cookie handshake bound to the TLS session (a relay that terminates TLS
 * fails even holding the cookie), and certificates rotated without a restart. Settings: {@link TlsOptions}.
 */
public final class TlsTransportProvider implements TransportProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public TlsTransportProvider() {
    }

    @Override
    public String name() {
        return "tls";
    }

    /**
     * @throws io.kindling.api.ConfigException if a setting is missing or a file does not load
     */
    @Override
    public Transport create(Config config) {
        return transport(TlsOptions.fromConfig(config));
    }

    /**
     * The {@code tls} transport from code.
     *
     * @param options the settings
     * @return a new transport
     * @throws io.kindling.api.ConfigException if a file does not load
     */
    public static Transport transport(TlsOptions options) {
        return new TlsTransport(options);
    }
}
