package io.kindling.backend.peer;

import io.kindling.api.Node;
import io.kindling.api.spi.Backend;
import io.kindling.core.KindlingNode;
import io.kindling.tck.BackendContract;

/** The {@code peer} backend (runners as child JVMs) against the backend contract. */
class PeerBackendContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return PeerBackendProvider.backend(PeerBackendOptions.defaults());
    }

    @Override
    protected Node startParent(String cookie) {
        return KindlingNode.builder().name("tck-parent@127.0.0.1").cookie(cookie).start();
    }
}
