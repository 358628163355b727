package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.spi.Transport;
import io.kindling.api.spi.TransportProvider;

/**
 * Provides the {@code tcp} transport: plain TCP sockets with {@code TCP_NODELAY}. No settings.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class TcpTransportProvider implements TransportProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public TcpTransportProvider() {
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Transport create(Config config) {
        return new TcpTransport();
    }
}
