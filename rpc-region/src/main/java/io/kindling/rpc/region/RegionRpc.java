package io.kindling.rpc.region;

import io.kindling.api.Durations;
import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.core.internal.Futures;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs tasks on a node of a named region, or of the primary region: Fly.RPC's {@code rpc_region} for Kindling.
 *
 * <pre>{@code
 * try (RegionRpc regions = RegionRpc.start(node)) {
 *     String saved = regions.call(RegionRpc.PRIMARY, () -> Orders.save(order));      // writes go to the primary
 *     int stock = regions.call("ams", () -> Stock.level(sku),
 *             CallOptions.defaults().withTimeout(Duration.ofSeconds(2)).fallback("fra", RegionRpc.PRIMARY));
 * }
 * }</pre>
 *
 * A call to this node's own region runs on this node, in-process and with the same errors, as Fly.RPC's does;
 * {@link CallOptions#spread()} picks a random node of the region instead, this one included. A call to another region
 * picks a random node of it. Errors are those of {@link io.kindling.api.Node#call}: {@link io.kindling.api.RemoteExecutionException},
 * {@link RpcTimeoutException}, {@link io.kindling.api.NodeDownException} (the node went down mid-call) — always
 * thrown (or completing the future exceptionally), never returned — plus {@link NoNodeInRegionException} when the
 * region has no node and the options' {@link CallOptions.WhenEmpty} policy finds none either.
 */
public final class RegionRpc implements AutoCloseable {

    /** The primary region, whatever its name ({@code kindling.primary-region}). */
    public static final String PRIMARY = "<primary>";
    /** The node attribute that carries a node's application version. */
    private static final String APP_VERSION = "kindling.app.version";

    private static final System.Logger LOG = System.getLogger(RegionRpc.class.getName());

    private final Node node;
    private final RegionRegistry registry;

    private RegionRpc(Node node, RegionRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    /**
     * Starts region RPC on a node: its region and primary region come from its {@link RegionExtension} (started by
     * default), or from {@code kindling.region} / {@code kindling.primary-region} when the extension is disabled.
     * Region queries time out after 5 s ({@code kindling.region.query-timeout}).
     *
     * @param node the local node
     * @return the running region RPC
     */
    public static RegionRpc start(Node node) {
        Objects.requireNonNull(node, "node");
        var config = node.config();
        RegionInfo local = RegionExtension.on(node.name())
                .map(e -> new RegionInfo(e.region(), e.primaryRegion(), RegionExtension.VERSION))
                .orElseGet(() -> new RegionInfo(RegionExtension.region(config, System.getenv()),
                        RegionExtension.primaryRegion(config, System.getenv()), RegionExtension.VERSION));
        Duration queryTimeout = Durations.positiveSetting(config, "kindling.region.query-timeout", null,
                Duration.ofSeconds(5));
        return new RegionRpc(node, new RegionRegistry(node, local, queryTimeout));
    }

    /** {@return this node's region} */
    public String region() {
        return registry.local().region();
    }

    /** {@return this node's region: the same as {@link #region()}, named as Fly.RPC's {@code my_region}} */
    public String myRegion() {
        return region();
    }

    /**
     * Runs a task on a node of the primary region (this node when it is in it), with the default options: Fly.RPC's
     * {@code rpc_primary}, for the writes a primary database takes.
     *
     * @param task the task
     * @param <T> the result type
     * @return the task's result
     * @throws NoNodeInRegionException if the primary region has no node
     */
    public <T> T primary(RemoteCallable<T> task) {
        return call(PRIMARY, task, CallOptions.defaults());
    }

    /**
     * Runs a task on a node of the primary region.
     *
     * @param task the task
     * @param options timeout, empty-region policy, versions, spreading
     * @param <T> the result type
     * @return the task's result
     * @throws NoNodeInRegionException if no node was found, as the options say
     */
    public <T> T primary(RemoteCallable<T> task, CallOptions options) {
        return call(PRIMARY, task, options);
    }

    /** {@return the primary region} */
    public String primaryRegion() {
        return registry.local().primaryRegion();
    }

    /** {@return whether this node is in the primary region} */
    public boolean isPrimary() {
        return region().equals(primaryRegion());
    }

    /** {@return the registry of nodes by region} */
    public RegionRegistry registry() {
        return registry;
    }

    /**
     * Runs a task on a node of a region, with the default options (5 s, fail at once when the region is empty).
     *
     * @param region a region, or {@link #PRIMARY}
     * @param task the task
     * @param <T> the result type
     * @return the task's result
     */
    public <T> T call(String region, RemoteCallable<T> task) {
        return call(region, task, CallOptions.defaults());
    }

    /**
     * Runs a task on a node of a region.
     *
     * @param region a region, or {@link #PRIMARY}
     * @param task the task
     * @param options timeout and what to do when the region is empty
     * @param <T> the result type
     * @return the task's result
     * @throws NoNodeInRegionException if no node was found (after waiting or falling back, as the options say)
     * @throws io.kindling.api.RemoteExecutionException if the task threw
     * @throws RpcTimeoutException if the timeout ran out
     * @throws io.kindling.api.NodeDownException if the chosen node went down mid-call
     */
    public <T> T call(String region, RemoteCallable<T> task, CallOptions options) {
        return Futures.awaitTimed(callAsync(region, task, options), options.timeout(), "Region call to " + region,
                () -> new RpcTimeoutException(node.name(), options.timeout(), "Region call to " + region));
    }

    /**
     * Runs a task on a node of a region without waiting.
     *
     * @param region a region, or {@link #PRIMARY}
     * @param task the task
     * @param options timeout and what to do when the region is empty
     * @param <T> the result type
     * @return completes with the result or the exceptions {@link #call(String, RemoteCallable, CallOptions)} throws
     */
    public <T> CompletableFuture<T> callAsync(String region, RemoteCallable<T> task, CallOptions options) {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        long deadline = System.nanoTime() + options.timeout().toNanos();
        if (options.whenEmpty() instanceof CallOptions.WhenEmpty.Wait && registry.nodes(resolve(region)).isEmpty()) {
            // Wait off the caller's thread, so callAsync never blocks.
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return candidates(registry.awaitNodes(resolve(region), options.timeout()), options);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KindlingException("Interrupted while waiting for a node in " + region, e);
                }
            }, command -> Thread.ofVirtual().start(command)).thenCompose(nodes -> {
                if (nodes.isEmpty()) {
                    return CompletableFuture.failedFuture(new NoNodeInRegionException(List.of(resolve(region)),
                            registry.regions().keySet(), versionDetail(options) + " within "
                                    + options.timeout().toMillis() + " ms"));
                }
                return run(pick(nodes, options), task, deadline, options.timeout());
            });
        }
        List<String> tried = new ArrayList<>();
        List<String> order = new ArrayList<>(List.of(region));
        if (options.whenEmpty() instanceof CallOptions.WhenEmpty.Fallback fallback) {
            order.addAll(fallback.regions());
        }
        for (String candidate : order) {
            String resolved = resolve(candidate);
            tried.add(resolved);
            Set<NodeName> nodes = candidates(registry.nodes(resolved), options);
            if (!nodes.isEmpty()) {
                return run(pick(nodes, options), task, deadline, options.timeout());
            }
        }
        return CompletableFuture.failedFuture(new NoNodeInRegionException(tried, registry.regions().keySet(),
                versionDetail(options)));
    }

    /**
     * Runs a task on a node of a region without a result (this node, for its own region); a failure is logged.
     *
     * @param region a region, or {@link #PRIMARY}
     * @param task the task
     * @throws NoNodeInRegionException if the region has no node
     */
    public void cast(String region, RemoteRunnable task) {
        Objects.requireNonNull(task, "task");
        Set<NodeName> nodes = registry.nodes(resolve(region));
        if (nodes.isEmpty()) {
            throw new NoNodeInRegionException(List.of(resolve(region)), registry.regions().keySet(), "");
        }
        NodeName target = pick(nodes, CallOptions.defaults());
        node.cast(target, task).whenComplete((ignored, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "A region cast to " + target + " failed: " + e.getMessage());
            }
        });
    }

    /** The nodes of a region that the options allow: all, or those of this node's application version. */
    private Set<NodeName> candidates(Set<NodeName> nodes, CallOptions options) {
        if (!options.sameVersionOnly()) {
            return nodes;
        }
        Optional<String> mine = node.attributes().get(APP_VERSION);
        Set<NodeName> same = new LinkedHashSet<>();
        for (NodeName candidate : nodes) {
            Optional<String> theirs = candidate.equals(node.name()) ? mine
                    : node.attributesOf(candidate).flatMap(a -> a.get(APP_VERSION));
            if (theirs.equals(mine)) {
                same.add(candidate);
            }
        }
        return same;
    }

    private String versionDetail(CallOptions options) {
        return options.sameVersionOnly() ? " running application version "
                + node.attributes().get(APP_VERSION).orElse("(none)") : "";
    }

    /** Stops following node events. */
    @Override
    public void close() {
        registry.close();
    }

    private String resolve(String region) {
        return PRIMARY.equals(region) ? primaryRegion() : region;
    }

    /** This node when it is a candidate (its own region) and the options do not spread; else a random one. */
    private NodeName pick(Set<NodeName> nodes, CallOptions options) {
        if (!options.spreadOwnRegion() && nodes.contains(node.name())) {
            return node.name();
        }
        List<NodeName> list = List.copyOf(nodes);
        return list.get(ThreadLocalRandom.current().nextInt(list.size()));
    }

    private <T> CompletableFuture<T> run(NodeName target, RemoteCallable<T> task, long deadline, Duration timeout) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new RpcTimeoutException(target, timeout, "Region call"));
        }
        return node.callAsync(target, task, Duration.ofNanos(left));
    }
}
