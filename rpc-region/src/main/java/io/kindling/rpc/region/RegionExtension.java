package io.kindling.rpc.region;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.spi.NodeExtension;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
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
    /** The region, when it is fixed: announced in the handshake as {@code kindling.region}, for selectors. */
    private final String fixedRegion;
    private final String primaryRegion;
    private volatile NodeName node;

    private RegionExtension(Supplier<String> region, String fixedRegion, String primaryRegion) {
        this.region = Objects.requireNonNull(region, "region");
        this.fixedRegion = fixedRegion;
        this.primaryRegion = requireName(primaryRegion, "primary region");
    }

    /**
     * {@return a node's region: {@code kindling.region}; else Fly.io's {@code FLY_REGION}; else
     * {@value #DEFAULT_REGION}}
     *
     * @param config the node's configuration
     * @param environment the process's environment
     */
    public static String region(io.kindling.api.Config config, Map<String, String> environment) {
        return config.get("kindling.region").filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(environment.get("FLY_REGION")).filter(v -> !v.isBlank()))
                .orElse(DEFAULT_REGION).trim();
    }

    /**
     * {@return the primary region: {@code kindling.primary-region}; else Fly.io's {@code PRIMARY_REGION}; else
     * {@value #DEFAULT_REGION}}
     *
     * @param config the node's configuration
     * @param environment the process's environment
     */
    public static String primaryRegion(io.kindling.api.Config config, Map<String, String> environment) {
        return config.get("kindling.primary-region").filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(environment.get("PRIMARY_REGION")).filter(v -> !v.isBlank()))
                .orElse(DEFAULT_REGION).trim();
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
        return new RegionExtension(() -> checked, checked, primaryRegion);
    }

    /**
     * An extension whose region is computed when asked, e.g. from a cloud metadata service.
     *
     * @param region computes the region; called on a task thread for each query, so it may block briefly
     * @param primaryRegion the primary region
     * @return the extension
     */
    public static RegionExtension computed(Supplier<String> region, String primaryRegion) {
        return new RegionExtension(region, null, primaryRegion);
    }

    /** {@return the primary region} */
    public String primaryRegion() {
        return primaryRegion;
    }

    /** {@return the region, as the supplier gives it now} */
    public String region() {
        return requireName(region.get(), "region");
    }

    /** {@return {@code kindling.region} when the region is fixed, so that peers can select by it} */
    @Override
    public Map<String, String> attributes() {
        return fixedRegion == null ? Map.of() : Map.of("kindling.region", fixedRegion);
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

    /**
     * The module's version when it has one (on the module path: no jar to open, which cost a fresh runner JVM about
     * 3 ms of its boot), else {@code version.properties} (on the class path).
     */
    private static String readVersion() {
        ModuleDescriptor descriptor = RegionExtension.class.getModule().getDescriptor();
        if (descriptor != null && descriptor.rawVersion().isPresent()) {
            return descriptor.rawVersion().get();
        }
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
