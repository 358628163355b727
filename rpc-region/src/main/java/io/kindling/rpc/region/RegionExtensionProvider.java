package io.kindling.rpc.region;

import io.kindling.api.Config;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.NodeExtensionProvider;

/**
 * Provides the {@code region} extension ({@link RegionExtension}), started by default on every node that has this
 * module. Reads {@code kindling.region} and {@code kindling.primary-region}; when they are unset, Fly.io's
 * {@code FLY_REGION} and {@code PRIMARY_REGION}; else {@code local}.
 */
public final class RegionExtensionProvider implements NodeExtensionProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public RegionExtensionProvider() {
    }

    @Override
    public String name() {
        return "region";
    }

    @Override
    public boolean startsByDefault() {
        return true;
    }

    @Override
    public NodeExtension create(Config config) {
        Config root = config.root();
        return RegionExtension.of(RegionExtension.region(root, System.getenv()),
                RegionExtension.primaryRegion(root, System.getenv()));
    }
}
