package io.kindling.core.internal;

import io.kindling.api.Config;
import io.kindling.api.PluginNotFoundException;
import io.kindling.api.spi.BackendProvider;
import io.kindling.api.spi.CodecProvider;
import io.kindling.api.spi.DiscoveryStrategyProvider;
import io.kindling.api.spi.NodeExtensionProvider;
import io.kindling.api.spi.PluginProvider;
import io.kindling.api.spi.ScalingPolicyProvider;
import io.kindling.api.spi.TransportProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds plugins by name with {@link ServiceLoader}, on the module path ({@code provides} in a
 * {@code module-info.java}) and on the class path ({@code META-INF/services}) alike.
 *
 * <p>A provider that fails to load is logged and skipped, so one broken jar does not stop the others. When two
 * providers of one kind share a name, the first found wins and the clash is logged.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class PluginLookup {

    private static final System.Logger LOG = LazyLogger.of(PluginLookup.class.getName());

    private static final int MAX_LOAD_ERRORS = 100;

    private static final Map<Class<?>, String> KINDS = Map.of(
            TransportProvider.class, "transport",
            CodecProvider.class, "codec",
            DiscoveryStrategyProvider.class, "strategy",
            BackendProvider.class, "backend",
            NodeExtensionProvider.class, "extension",
            ScalingPolicyProvider.class, "scaling-policy");

    private PluginLookup() {
    }

    /**
     * The providers of one kind, by name.
     *
     * @param type the provider interface, e.g. {@code TransportProvider.class}
     * @param loader the class loader to search; {@code null} means the thread's context class loader
     * @param <P> the provider type
     * @return names to providers, sorted by name
     */
    public static <P extends PluginProvider<?>> Map<String, P> providers(Class<P> type, ClassLoader loader) {
        Objects.requireNonNull(type, "type");
        ServiceLoader<P> serviceLoader = serviceLoader(type, loader);
        Map<String, P> byName = new TreeMap<>();
        for (P provider : instantiate(serviceLoader, type)) {
            P previous = byName.putIfAbsent(provider.name(), provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                LOG.log(Level.WARNING, "Two " + kind(type) + " providers are named '" + provider.name() + "': "
                        + previous.getClass().getName() + " (used) and " + provider.getClass().getName()
                        + " (ignored)");
            }
        }
        return byName;
    }

    /**
     * The provider of one kind with a given name.
     *
     * @param type the provider interface
     * @param name the plugin's name
     * @param loader the class loader to search; {@code null} means the thread's context class loader
     * @param <P> the provider type
     * @return the provider
     * @throws PluginNotFoundException if none has that name; it lists the names found
     */
    public static <P extends PluginProvider<?>> P find(Class<P> type, String name, ClassLoader loader) {
        Map<String, P> all = providers(type, loader);
        P provider = all.get(name);
        if (provider == null) {
            throw new PluginNotFoundException(kind(type), name, new ArrayList<>(all.keySet()));
        }
        return provider;
    }

    /**
     * Finds a provider by name and creates its plugin with the settings under {@code kindling.<kind>.<name>}.
     *
     * @param type the provider interface
     * @param name the plugin's name
     * @param config the whole configuration
     * @param loader the class loader to search; {@code null} means the thread's context class loader
     * @param <T> the plugin type
     * @param <P> the provider type
     * @return the new plugin
     * @throws PluginNotFoundException if no provider has that name
     * @throws io.kindling.api.ConfigException if the plugin's settings are invalid
     */
    public static <T, P extends PluginProvider<T>> T create(Class<P> type, String name, Config config,
            ClassLoader loader) {
        P provider = find(type, name, loader);
        return provider.create(config.scoped("kindling." + kind(type) + "." + name));
    }

    /**
     * The word configuration and messages use for a kind of plugin.
     *
     * @param type the provider interface
     * @return {@code transport}, {@code codec}, {@code strategy}, {@code backend}, {@code extension}, or the
     *     interface's simple name for other kinds
     */
    public static String kind(Class<?> type) {
        return KINDS.getOrDefault(type, type.getSimpleName());
    }

    /**
     * The service loader of a kind. With the JDK's own system class loader, an empty class path and Kindling in the
     * boot layer, it reads the boot layer's modules only, which finds the same providers: a loader that also searches
     * the class path asks every module of the module path for a {@code META-INF/services} file, and so opens every
     * jar (about 12 ms for 36 modules in a fresh runner JVM, which otherwise reads none of them).
     */
    private static <P> ServiceLoader<P> serviceLoader(Class<P> type, ClassLoader loader) {
        ClassLoader effective = loader != null ? loader : Thread.currentThread().getContextClassLoader();
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (effective == system && system.getClass().getModule() == Object.class.getModule() // the JDK's own
                && System.getProperty("java.class.path", "").isBlank()
                && PluginLookup.class.getModule().getLayer() == ModuleLayer.boot()) {
            return ServiceLoader.load(ModuleLayer.boot(), type);
        }
        return loader == null ? ServiceLoader.load(type) : ServiceLoader.load(type, loader);
    }

    /**
     * Every provider the loader finds, instantiated; one that fails to load is logged (the error names its class)
     * and skipped. Through the loader's iterator rather than {@code stream()}: the stream framework's first use
     * costs a fresh runner JVM about 3 ms, and nothing else on its way to its first call needs it.
     */
    private static <P> List<P> instantiate(ServiceLoader<P> serviceLoader, Class<P> type) {
        List<P> result = new ArrayList<>();
        Iterator<P> iterator = serviceLoader.iterator();
        // ServiceLoader goes on past a broken entry "as best it can"; the bound stops a loader stuck on one.
        for (int errors = 0; errors < MAX_LOAD_ERRORS; ) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                result.add(iterator.next());
            } catch (ServiceConfigurationError | RuntimeException e) {
                errors++;
                LOG.log(Level.WARNING, "Skipping a " + kind(type) + " provider that failed to load: "
                        + e.getMessage(), e);
            }
        }
        return result;
    }
}
