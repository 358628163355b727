package io.kindling.core.internal;

import io.kindling.api.ConfigException;
import io.kindling.api.NodeAttributes;
import io.kindling.api.spi.Codec;
import io.kindling.api.spi.CodecProvider;
import io.kindling.api.spi.NodeExtension;
import io.kindling.api.spi.NodeExtensionProvider;
import io.kindling.api.spi.Transport;
import io.kindling.api.spi.TransportProvider;
import io.kindling.core.KindlingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node loads before it listens: the frame limit, its transport and codec, its extensions (named ones,
 * those that start by default, then the builder's) and the attributes they add.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class NodeStartup {

    private NodeStartup() {
    }

    /**
     * A node's plugins.
     *
     * @param transport the transport ({@code kindling.transport}, default {@code tcp})
     * @param codec the codec ({@code kindling.codec}, default {@code java})
     * @param extensions the extensions, in start order
     * @param attributes the node's attributes: the builder's, then each extension's, then
     *     {@code kindling.app.version}
     * @param maxFrameSize {@code kindling.frame.max-size}, default 64 MiB
     */
    public record Plugins(Transport transport, Codec codec, List<NodeExtension> extensions,
            NodeAttributes attributes, long maxFrameSize) {
    }

    /**
     * Loads a node's plugins.
     *
     * @param config the node's configuration
     * @param loader the class loader to find plugins with
     * @param added extensions given to the builder
     * @param attributes attributes given to the builder
     * @return the plugins
     * @throws ConfigException if a setting is invalid
     * @throws io.kindling.api.PluginNotFoundException if a named plugin is not found
     */
    public static Plugins load(KindlingConfig config, ClassLoader loader, List<NodeExtension> added,
            Map<String, String> attributes) {
        long maxFrameSize = config.getBytes("kindling.frame.max-size", 64L << 20);
        if (maxFrameSize < 1024 || maxFrameSize > Integer.MAX_VALUE - 8) {
            throw new ConfigException("kindling.frame.max-size", "Setting "
                    + config.fullKey("kindling.frame.max-size") + " = " + maxFrameSize
                    + " must be between 1024 and " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        KindlingConfig codecConfig = config.get("kindling.codec.java.max-bytes").filter(v -> !v.isBlank())
                .isPresent() ? config : config.with(Map.of("kindling.codec.java.max-bytes",
                        Long.toString(maxFrameSize)));
        Transport transport = PluginLookup.create(TransportProvider.class,
                config.getString("kindling.transport", "tcp"), config, loader);
        Codec codec = PluginLookup.create(CodecProvider.class, config.getString("kindling.codec", "java"),
                codecConfig, loader);
        List<NodeExtension> all = new ArrayList<>();
        List<String> named = config.getList("kindling.extensions");
        List<String> disabled = config.getList("kindling.extensions.disabled");
        for (String extension : named) {
            all.add(PluginLookup.create(NodeExtensionProvider.class, extension, config, loader));
        }
        PluginLookup.providers(NodeExtensionProvider.class, loader).forEach((extensionName, provider) -> {
            if (provider.startsByDefault() && !named.contains(extensionName) && !disabled.contains(extensionName)) {
                all.add(provider.create(config.scoped("kindling.extension." + extensionName)));
            }
        });
        all.addAll(added);
        Map<String, String> values = new LinkedHashMap<>(attributes);
        for (NodeExtension extension : all) {
            values.putAll(extension.attributes());
        }
        AppVersion.of(config).ifPresent(version -> values.put(AppVersion.KEY, version));
        return new Plugins(transport, codec, List.copyOf(all), NodeAttributes.of(values), maxFrameSize);
    }

    /** {@return the thread's context class loader, or the system class loader} */
    public static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ClassLoader.getSystemClassLoader();
    }
}
