package io.kindling.api.spi;

import io.kindling.api.Node;
import java.util.Map;

/**
 * Code that starts and stops with a node: the BEAM's "applications" started on a node. {@code rpc-region}
 * answers region queries this way, and a user's own services can too.
 *
 * <p>Lifecycle: the node asks every extension for its {@link #attributes()} before it listens (they are shown to
 * peers in the handshake), then calls {@link #start} in configuration order once it listens, and {@link #close} in
 * reverse order when it closes. An extension that fails to start fails the node's start with its error.
 */
public interface NodeExtension extends AutoCloseable {

    /** {@return attributes to add to the node's own, shown to peers; none by default} */
    default Map<String, String> attributes() {
        return Map.of();
    }

    /**
     * Starts the extension on a node that is listening.
     *
     * @param node the node
     * @throws Exception if it cannot start; the node then does not start either
     */
    void start(Node node) throws Exception;

    /** Stops the extension; must not throw. */
    @Override
    default void close() {
    }
}
