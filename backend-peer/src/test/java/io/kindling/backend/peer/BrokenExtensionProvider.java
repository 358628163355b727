package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.NodeExtensionProvider;

/** A node extension, {@code broken}, whose start fails: for the boot failure test. */
public final class BrokenExtensionProvider implements NodeExtensionProvider {

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public NodeExtension create(Config config) {
        return new NodeExtension() {
            @Override
            public void start(Node node) {
                throw new IllegalStateException("the broken extension fails on purpose");
            }
        };
    }
}
