package io.kindling.rpc.region;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.spi.NodeExtension;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The node extension that answers "which region are you in, and which Kindling version". It starts by default on
 * every node that has this module, with the region from {@code kindling.region} (environment
 * {@code KINDLING_REGION}) and the primary region from {@code kindling.primary-region}
 * ({@code KINDLING_PRIMARY_REGION}), both {@code local} when unset. Disable it with
 * {@code kindling.extensions.disabled=region}.
 */
public final class RegionExtension implements NodeExtension {

    /** The region of a node that sets none. */
    public static final String DEFAULT_REGION = "local";
    /** The Kindling version nodes report. */
    public static final String VERSION = readVersion();

    private static final Map<NodeName, RegionExtension> RUNNING = new ConcurrentHashMap<>();

    private final Supplier<String> region;
    private final String primaryRegion;
    private volatile NodeName node;

    private RegionExtension(Supplier<String> region, String primaryRegion) {
        this.region = Objects.requireNonNull(region, "region");
        this.primaryRegion = requireName(primaryRegion, "primary region");
    }

    /**
     * An extension with a fixed region.
     *
     * @param region the node's region
     * @param primaryRegion the primary region
     * @return the extension, to pass to {@code KindlingNode.Builder.extension}
     * @throws IllegalArgumentException if a name is blank
     */
    public static RegionExtension of(String region, String primaryRegion) {
        String checked = requireName(region, "region");
        return new RegionExtension(() -> checked, primaryRegion);
    }

    /**
     * An extension whose region is computed when asked, e.g. from a cloud metadata service.
     *
     * @param region computes the region; called on a task thread for each query, so it may block briefly
     * @param primaryRegion the primary region
     * @return the extension
     */
    public static RegionExtension computed(Supplier<String> region, String primaryRegion) {
        return new RegionExtension(region, primaryRegion);
    }

    /** {@return the primary region} */
    public String primaryRegion() {
        return primaryRegion;
    }

    /** {@return the region, as the supplier gives it now} */
    public String region() {
        return requireName(region.get(), "region");
    }

    @Override
    public void start(Node node) {
        this.node = node.name();
        RUNNING.put(node.name(), this);
    }

    @Override
    public void close() {
        NodeName started = node;
        if (started != null) {
            RUNNING.remove(started, this);
        }
    }

    /** The extension running on a node of this JVM. */
    static Optional<RegionExtension> on(NodeName node) {
        return Optional.ofNullable(RUNNING.get(node));
    }

    static String requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The " + what + " must not be blank");
        }
        return value.trim();
    }

    private static String readVersion() {
        try (InputStream in = RegionExtension.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
