package io.kindling.management.internal;

import io.kindling.api.Config;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.NodeExtensionProvider;
import io.kindling.core.KindlingNode;
import io.kindling.management.ManagementServer;

/**
 * The {@code management} node extension: a node started with {@code kindling.extensions=management} serves its
 * management endpoints ({@link ManagementServer}, configured by {@code kindling.management.*}) while it runs. Not
 * started by default: a node opens no HTTP port unless asked.
 *
 * <p>Internal: not part of Kindling's API; the extension's name is.
 */
public final class ManagementExtensionProvider implements NodeExtensionProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public ManagementExtensionProvider() {
    }

    @Override
    public String name() {
        return "management";
    }

    @Override
    public NodeExtension create(Config config) {
        return new NodeExtension() {
            private ManagementServer server;

            @Override
            public void start(Node node) {
                if (!(node instanceof KindlingNode kindling)) {
                    throw new KindlingException("The management extension serves KindlingNode nodes, not "
                            + node.getClass().getName());
                }
                server = ManagementServer.builder(kindling).start();
            }

            @Override
            public void close() {
                if (server != null) {
                    server.close();
                }
            }
        };
    }
}
