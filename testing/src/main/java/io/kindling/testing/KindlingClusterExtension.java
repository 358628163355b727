package io.kindling.testing;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.backend.peer.PeerBackendOptions;
import io.kindling.backend.peer.PeerBackendProvider;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.core.pool.PoolBuilder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts and stops the cluster of {@link KindlingCluster}; use the annotation rather than this class. */
public final class KindlingClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KindlingClusterExtension.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Public for JUnit. */
    public KindlingClusterExtension() {
    }

    /** Everything started for one class, closed by JUnit even when the class fails. */
    private record Running(KindlingNode node, Pool pool, TestCluster cluster)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            try {
                pool.shutdown();
            } finally {
                node.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        KindlingCluster settings = context.getRequiredTestClass().getAnnotation(KindlingCluster.class);
        if (settings == null) {
            throw new ExtensionConfigurationException("Use @KindlingCluster on the test class");
        }
        if (settings.nodes() < 1) {
            throw new ExtensionConfigurationException("@KindlingCluster(nodes = " + settings.nodes()
                    + ") needs at least 1 node");
        }
        String cookie = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        String base = context.getRequiredTestClass().getSimpleName().replaceAll("[^A-Za-z0-9_.-]", "-");
        KindlingNode node = KindlingNode.builder().name(base + "-" + ProcessHandle.current().pid() + "@127.0.0.1")
                .cookie(cookie).start();
        Pool pool;
        try {
            PoolBuilder builder = Pool.builder(node).name(base)
                    .backend(PeerBackendProvider.backend(PeerBackendOptions.defaults()
                            .withJvmOptions(List.of(settings.jvmOptions()))))
                    .min(settings.nodes()).max(settings.nodes()).maxConcurrency(10_000)
                    .bootTimeout(Duration.ofSeconds(settings.bootTimeoutSeconds()))
                    .idleShutdownAfter(Duration.ofDays(1)).extensions(List.of(settings.extensions()));
            for (String entry : settings.env()) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new ExtensionConfigurationException("@KindlingCluster env entry '" + entry
                            + "' is not NAME=value");
                }
                builder.env(entry.substring(0, eq), entry.substring(eq + 1));
            }
            pool = builder.start();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        Running running;
        try {
            List<NodeName> peers = awaitPeers(pool, settings);
            if (settings.mesh()) {
                mesh(node, peers);
            }
            running = new Running(node, pool, new TestCluster(node, pool, peers));
        } catch (Exception | Error e) {
            pool.shutdown();
            node.close();
            throw e;
        }
        context.getStore(NAMESPACE).put(Running.class, running);
    }

    private static List<NodeName> awaitPeers(Pool pool, KindlingCluster settings) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(settings.bootTimeoutSeconds()).toNanos();
        while (pool.runners().size() < settings.nodes()) {
            if (System.nanoTime() > deadline) {
                throw new ExtensionConfigurationException("@KindlingCluster: only " + pool.runners().size() + " of "
                        + settings.nodes() + " peers booted within " + settings.bootTimeoutSeconds() + " s: " + pool);
            }
            Thread.sleep(10);
        }
        return pool.runners();
    }

    /** Has every peer connect to every other, so they form a cluster and not only a star around this node. */
    private static void mesh(KindlingNode node, List<NodeName> peers) {
        List<NodeAddress> addresses = new ArrayList<>();
        for (NodeName peer : peers) {
            addresses.add(node.call(peer, () -> KindlingNode.current().orElseThrow().address(),
                    Duration.ofSeconds(30)));
        }
        for (NodeName peer : peers) {
            List<NodeAddress> others = addresses.stream().filter(a -> !a.name().equals(peer)).toList();
            node.call(peer, () -> {
                var self = KindlingNode.current().orElseThrow();
                others.forEach(self::connect);
                return null;
            }, Duration.ofSeconds(30));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).remove(Running.class, Running.class);
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).get(Running.class, Running.class);
        if (running == null) {
            throw new ParameterResolutionException("No Kindling cluster: is the test class annotated with "
                    + "@KindlingCluster?");
        }
        return running.cluster();
    }
}
