package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.spi.Transport;
import io.kindling.tck.TransportContract;

/** The {@code tcp} transport against the transport contract. */
class TcpTransportContractTest extends TransportContract {

    @Override
    protected Transport createTransport() {
        return new TcpTransportProvider().create(Config.empty());
    }
}
