package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.spi.Backend;
import io.kindling.core.KindlingNode;
import io.kindling.tck.BackendContract;

/** The {@code local} backend (runners as nodes in this JVM) against the backend contract. */
class LocalBackendContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return new LocalBackendProvider().create(Config.empty());
    }

    @Override
    protected Node startParent(String cookie) {
        return KindlingNode.builder().name("tck-parent@127.0.0.1").cookie(cookie).start();
    }
}
