package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.BackendProvider;
import io.kindling.api.spi.RunnerEntryPoint;
import java.util.ServiceLoader;

/**
 * Provides the {@code peer} backend: each runner is a child JVM on this machine (Erlang's {@code :peer},
 * FlamePeer). Settings: {@link PeerBackendOptions}.
 *
 * <ul>
 *   <li>The child runs core's runner entry point with the parent's module path and class path (and the module
 *       options the parent was started with), so tasks' classes resolve there.</li>
 *   <li>Its environment is built explicitly: it holds only the pool's {@code env} entries, nothing inherited.</li>
 *   <li>The pool's boot timeout covers process start to "connected"; on timeout the child is killed and the error
 *       names the phase it reached and its last output lines. A node extension that fails to start fails the boot
 *       with its error.</li>
 *   <li>Its standard output and error go to this JVM's log ({@code System.Logger}
 *       {@code io.kindling.backend.peer.runner}), each line prefixed with the runner's name.</li>
 *   <li>No orphans: the child exits when its standard input (held by the parent) ends, when the parent process
 *       exits, and when the parent node goes down — so also after {@code kill -9} of the parent.</li>
 * </ul>
 */
public final class PeerBackendProvider implements BackendProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public PeerBackendProvider() {
    }

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public Backend create(Config config) {
        return backend(PeerBackendOptions.fromConfig(config));
    }

    /**
     * The {@code peer} backend from code.
     *
     * @param options the settings
     * @return a new backend
     * @throws IllegalStateException if no runner entry point is on the path (core provides it)
     */
    public static Backend backend(PeerBackendOptions options) {
        return new PeerBackend(options, runnerMain());
    }

    /** Core's runner entry point, found as a service: no class is named here. */
    static Class<?> runnerMain() {
        return ServiceLoader.load(RunnerEntryPoint.class).findFirst().map(RunnerEntryPoint::mainClass)
                .or(() -> ServiceLoader.load(RunnerEntryPoint.class, PeerBackendProvider.class.getClassLoader())
                        .findFirst().map(RunnerEntryPoint::mainClass))
                .orElseThrow(() -> new IllegalStateException("The peer backend found no runner entry point "
                        + "(io.kindling.api.spi.RunnerEntryPoint): put kindling-core on the module path or class path"));
    }
}
