package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.BackendProvider;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.KindlingNode;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.pool.RunnerNode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provides the {@code local} backend: each runner is a node inside this JVM, on the parent's host, that connects
 * back like any other runner. Fast, for tests and small machines. No settings.
 *
 * <p>Internal: not part of Kindling's API; public for {@link java.util.ServiceLoader}.
 */
public final class LocalBackendProvider implements BackendProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public LocalBackendProvider() {
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Backend create(Config config) {
        return new LocalBackend();
    }

    /** Runners as in-process nodes. */
    static final class LocalBackend implements Backend {
        private static final System.Logger LOG = LazyLogger.of(LocalBackend.class.getName());
        private final Set<Handle> handles = ConcurrentHashMap.newKeySet();

        @Override
        public RunnerHandle boot(RunnerSpec spec) {
            Handle handle = new Handle(spec.runnerName());
            handles.add(handle);
            handle.booting = Thread.ofVirtual().name("kindling-local-runner-boot").start(() -> {
                try {
                    KindlingNode node = RunnerNode.start(spec, Thread.currentThread().getContextClassLoader(),
                            handle::exited);
                    handle.started(node);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Local runner " + spec.runnerName() + " failed to boot: " + e.getMessage());
                    handle.exited("boot failed: " + e.getMessage());
                }
            });
            return handle;
        }

        @Override
        public void close() {
            handles.forEach(h -> h.stop(Duration.ZERO));
        }

        private final class Handle implements RunnerHandle {
            private final NodeName name;
            private final CompletableFuture<Exit> exit = new CompletableFuture<>();
            private volatile KindlingNode node;
            private volatile boolean stopped;
            /** Interrupted by a stop, so a runner that cannot reach its parent gives up at once. */
            private volatile Thread booting;

            Handle(NodeName name) {
                this.name = name;
            }

            void started(KindlingNode started) {
                node = started;
                if (stopped) {
                    started.close();
                }
            }

            void exited(String reason) {
                handles.remove(this);
                exit.complete(new Exit(OptionalInt.empty(), reason));
            }

            @Override
            public NodeName name() {
                return name;
            }

            @Override
            public CompletableFuture<Exit> onExit() {
                return exit;
            }

            @Override
            public void stop(Duration grace) {
                stopped = true;
                Thread boot = booting;
                if (boot != null) {
                    boot.interrupt();
                }
                KindlingNode current = node;
                if (current != null) {
                    current.close();
                }
                exited("stopped");
            }
        }
    }
}
