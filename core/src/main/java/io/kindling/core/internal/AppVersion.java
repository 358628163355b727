package io.kindling.core.internal;

import io.kindling.api.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * The application version a node announces ({@code kindling.app.version}), so that callers can route to nodes that
 * run the same code during a rolling deploy.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class AppVersion {

    /** The attribute, and the setting, that carries the version. */
    public static final String KEY = "kindling.app.version";
    /** The environment variable that sets it in a runner's process. */
    public static final String ENV = "KINDLING_APP_VERSION";

    private AppVersion() {
    }

    /**
     * {@return the configured version; else the main module's version; else the {@code Implementation-Version} of
     * the main jar's or the main class's manifest; else empty}
     *
     * @param config the node's configuration
     */
    public static Optional<String> of(Config config) {
        String configured = config.getString(KEY, "").trim();
        return configured.isEmpty() ? detect() : Optional.of(configured);
    }

    /**
     * {@return the version of Kindling itself: core's module version, else its jar's {@code Implementation-Version},
     * else {@code "unknown"}}
     */
    public static String kindling() {
        Module core = AppVersion.class.getModule();
        Optional<String> version = core.isNamed() ? core.getDescriptor().rawVersion() : Optional.empty();
        return version.or(() -> Optional.ofNullable(AppVersion.class.getPackage().getImplementationVersion()))
                .orElse("unknown");
    }

    private static Optional<String> detect() {
        String mainModule = System.getProperty("jdk.module.main");
        if (mainModule != null) {
            return ModuleLayer.boot().findModule(mainModule).flatMap(m -> m.getDescriptor().rawVersion());
        }
        String command = System.getProperty("sun.java.command", "").trim();
        if (command.isEmpty()) {
            return Optional.empty();
        }
        String main = command.split("\\s+")[0];
        if (main.endsWith(".jar") && Files.isRegularFile(Path.of(main))) {
            try (JarFile jar = new JarFile(main)) {
                return Optional.ofNullable(jar.getManifest())
                        .map(m -> m.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        try {
            Package pkg = Class.forName(main, false, ClassLoader.getSystemClassLoader()).getPackage();
            return Optional.ofNullable(pkg == null ? null : pkg.getImplementationVersion());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }
}
