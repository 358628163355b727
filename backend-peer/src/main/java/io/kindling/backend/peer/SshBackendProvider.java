package io.kindling.backend.peer;

import io.kindling.api.Config;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.BackendProvider;

/**
 * Provides the {@code ssh} backend: each runner is a JVM on another host, started through the system's OpenSSH
 * client, as Erlang's {@code peer} does with {@code exec => {ssh, …}}. Settings: {@link SshBackendOptions}
 * ({@code kindling.backend.ssh.*}; {@code hosts} is required).
 *
 * <ul>
 *   <li>Key authentication only ({@code BatchMode}); host keys are checked against the known-hosts file, never
 *       learnt.</li>
 *   <li>The spec, cookie included, travels on the session's standard input; the remote command line holds the
 *       java, its options, the paths and the pool's {@code env} (so keep secrets out of {@code env}: they would
 *       show in the remote host's process list).</li>
 *   <li>The same boot phases, boot timeout and log lines as {@code peer}: the runner's output comes back through
 *       the session.</li>
 *   <li>No orphans: a runner exits when its session ends (the client exits, is killed, or gives up on a host that
 *       stopped answering) and when its parent node goes down.</li>
 * </ul>
 */
public final class SshBackendProvider implements BackendProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public SshBackendProvider() {
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public Backend create(Config config) {
        return backend(SshBackendOptions.fromConfig(config));
    }

    /**
     * The {@code ssh} backend from code.
     *
     * @param options the settings
     * @return a new backend
     * @throws IllegalStateException if no runner entry point is on the path (core provides it)
     */
    public static Backend backend(SshBackendOptions options) {
        return new SshBackend(options, PeerBackendProvider.runnerMain());
    }
}
