package io.kindling.core;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kindling's layered configuration, read once at start.
 *
 * <p>Layers, lowest first; a higher layer's value wins:
 * <ol>
 *   <li>module defaults ({@code kindling-defaults.properties} in core);</li>
 *   <li>every {@code kindling.properties} at the root of the class path or module path;</li>
 *   <li>the properties file named by the environment variable {@code KINDLING_CONFIG};</li>
 *   <li>environment variables {@code KINDLING_*} ({@code KINDLING_NODE_NAME} is {@code kindling.node.name});</li>
 *   <li>system properties {@code kindling.*};</li>
 *   <li>values set in code, through {@link Builder#set} or a node builder.</li>
 * </ol>
 * Keys compare in {@linkplain Config#normalizeKey normal form}. Error messages name the key and the layer the bad
 * value came from.
 */
public final class KindlingConfig implements Config {

    private final Map<String, String> values;
    private final Map<String, String> sources;

    private KindlingConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = Collections.unmodifiableMap(values);
        this.sources = Collections.unmodifiableMap(sources);
    }

    /**
     * Reads every layer from this process: defaults, {@code kindling.properties}, {@code KINDLING_CONFIG}, the
     * environment and system properties.
     *
     * @return the configuration
     * @throws ConfigException if {@code KINDLING_CONFIG} names a file that cannot be read
     */
    public static KindlingConfig load() {
        return builder().build();
    }

    /** {@return a builder that starts from this process's layers; each can be replaced for tests} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(Config.normalizeKey(key)));
    }

    @Override
    public Set<String> keys() {
        return values.keySet();
    }

    @Override
    public String fullKey(String key) {
        String normal = Config.normalizeKey(key);
        String source = sources.get(normal);
        return source == null ? key : key + " (from " + source + ")";
    }

    /**
     * Where a key's value came from.
     *
     * @param key the key
     * @return the layer, e.g. {@code "environment variable KINDLING_NODE_NAME"}, or empty when unset
     */
    public Optional<String> source(String key) {
        return Optional.ofNullable(sources.get(Config.normalizeKey(key)));
    }

    /**
     * A copy with more values on top, as the code layer.
     *
     * @param overrides keys to values
     * @return the new configuration
     */
    public KindlingConfig with(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>(values);
        Map<String, String> s = new TreeMap<>(sources);
        overrides.forEach((key, value) -> {
            v.put(Config.normalizeKey(key), value);
            s.put(Config.normalizeKey(key), "code");
        });
        return new KindlingConfig(v, s);
    }

    @Override
    public String toString() {
        return "KindlingConfig" + values.keySet();
    }

    /**
     * Whether core knows a key: one of its own (every key in its defaults, set or commented out there), or a key
     * in a namespace that plugins and per-name settings own ({@code kindling.strategy.*}, {@code kindling.pool.*},
     * {@code kindling.transport.<name>.*} and the like), which core cannot check.
     *
     * @param key a key, in any form {@link Config#normalizeKey} accepts
     * @return whether it is known or not core's to check
     */
    public static boolean isKnownKey(String key) {
        String normal = Config.normalizeKey(key);
        return CoreKeys.KEYS.containsKey(normal) || !normal.startsWith(CoreKeys.CORE_CODEC)
                && CoreKeys.PLUGIN_NAMESPACES.stream().anyMatch(normal::startsWith);
    }

    /**
     * The known key most like an unknown one, for a "did you mean" hint: fewest single-character edits.
     *
     * @param key the unknown key
     * @return core's key closest to it
     */
    public static String closestKnownKey(String key) {
        String normal = Config.normalizeKey(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, String> known : CoreKeys.KEYS.entrySet()) {
            int distance = CoreKeys.editDistance(normal, known.getKey());
            if (distance < bestDistance) {
                best = known.getValue();
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Builds a {@link KindlingConfig}; by default every layer is read from this process. */
    public static final class Builder {
        private Map<String, String> environment = System.getenv();
        private Properties systemProperties = System.getProperties();
        private ClassLoader classLoader;
        private boolean bundledFiles = true;
        private final Map<String, String> code = new LinkedHashMap<>();
        private final Map<String, String> codeSources = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Replaces the environment the builder reads ({@code KINDLING_CONFIG} and {@code KINDLING_*}).
         *
         * @param environment variable names to values
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Replaces the system properties the builder reads.
         *
         * @param properties the properties
         * @return this builder
         */
        public Builder systemProperties(Properties properties) {
            this.systemProperties = Objects.requireNonNull(properties, "properties");
            return this;
        }

        /**
         * The class loader to find {@code kindling.properties} with; default: the thread's context class loader.
         *
         * @param classLoader the loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * Whether to read the layers that come in the application's jars: core's defaults and the
         * {@code kindling.properties} files the class loader finds; default {@code true}. Pool runners turn it off:
         * their parent runs the same code and sends its effective configuration, those layers included, and reading
         * them again opens jars (searching for {@code kindling.properties} opens every jar of the module path: about
         * 20 ms of a fresh runner JVM's boot).
         *
         * @param read {@code false} to skip those layers
         * @return this builder
         */
        public Builder bundledFiles(boolean read) {
            this.bundledFiles = read;
            return this;
        }

        /**
         * Sets a value in the code layer, the highest.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder set(String key, String value) {
            return set(key, value, "code");
        }

        /**
         * Sets a value in the code layer, the highest, saying where it came from: error messages about the key
         * name that source, as in {@code kindling.heartbeat.timeout (from command-line option --set)}.
         *
         * @param key the key
         * @param value the value
         * @param source where the value came from, e.g. {@code "command-line option --set"}
         * @return this builder
         */
        public Builder set(String key, String value, String source) {
            code.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, () -> "value of " + key));
            codeSources.put(key, Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * Reads the layers.
         *
         * @return the configuration
         * @throws ConfigException if {@code KINDLING_CONFIG} names a file that cannot be read
         */
        public KindlingConfig build() {
            Map<String, String> values = new TreeMap<>();
            Map<String, String> sources = new TreeMap<>();
            if (bundledFiles) {
                readDefaults(values, sources);
                readClassPathFiles(values, sources);
            }
            String file = environment.get("KINDLING_CONFIG");
            if (file != null && !file.isBlank()) {
                Path path = Path.of(file.trim());
                try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    Properties properties = new Properties();
                    properties.load(reader);
                    put(values, sources, properties, "file " + path + " (KINDLING_CONFIG)");
                } catch (NoSuchFileException e) {
                    throw new ConfigException("KINDLING_CONFIG", "KINDLING_CONFIG names " + path
                            + ", which does not exist; fix the path or unset the variable");
                } catch (IOException | IllegalArgumentException e) {
                    throw new ConfigException("KINDLING_CONFIG", "Cannot read the configuration file " + path
                            + " named by KINDLING_CONFIG: " + e.getMessage());
                }
            }
            environment.forEach((name, value) -> {
                if (name.startsWith("KINDLING_") && !name.equals("KINDLING_CONFIG")) {
                    String key = Config.normalizeKey(name);
                    values.put(key, value);
                    sources.put(key, "environment variable " + name);
                }
            });
            for (String name : systemProperties.stringPropertyNames()) {
                if (name.startsWith("kindling.")) {
                    String key = Config.normalizeKey(name);
                    values.put(key, systemProperties.getProperty(name));
                    sources.put(key, "system property " + name);
                }
            }
            code.forEach((key, value) -> {
                values.put(Config.normalizeKey(key), value);
                sources.put(Config.normalizeKey(key), codeSources.getOrDefault(key, "code"));
            });
            return new KindlingConfig(values, sources);
        }

        private static void readDefaults(Map<String, String> values, Map<String, String> sources) {
            try (InputStream in = KindlingConfig.class.getResourceAsStream("kindling-defaults.properties")) {
                if (in != null) {
                    put(values, sources, read(in), "core defaults");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read core's kindling-defaults.properties", e);
            }
        }

        private void readClassPathFiles(Map<String, String> values, Map<String, String> sources) {
            ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = ClassLoader.getSystemClassLoader();
            }
            try {
                List<URL> urls = new ArrayList<>();
                Enumeration<URL> found = loader.getResources("kindling.properties");
                while (found.hasMoreElements()) {
                    urls.add(found.nextElement());
                }
                for (URL url : urls) {
                    try (InputStream in = url.openStream()) {
                        put(values, sources, read(in), url.toString());
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("kindling.properties", "Cannot read kindling.properties: " + e);
            }
        }

        private static Properties read(InputStream in) throws IOException {
            Properties properties = new Properties();
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        }

        private static void put(Map<String, String> values, Map<String, String> sources, Properties properties,
                String source) {
            for (String name : properties.stringPropertyNames()) {
                String key = Config.normalizeKey(name);
                values.put(key, properties.getProperty(name));
                sources.put(key, source);
            }
        }
    }
}
