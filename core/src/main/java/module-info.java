/**
 * Kindling's runtime.
 *
 * <p>API, by package:
 * <ul>
 *   <li>{@code io.kindling.core}: {@link io.kindling.core.KindlingNode} (the node: authenticated RPC over the
 *       {@code tcp} transport and the {@code java} codec), {@link io.kindling.core.KindlingConfig} (layered
 *       configuration), {@link io.kindling.core.SystemTasks};</li>
 *   <li>{@code io.kindling.core.cluster}: {@link io.kindling.core.cluster.Cluster} (discovery and reconnection),
 *       its events, prune policies and refresh results;</li>
 *   <li>{@code io.kindling.core.pool}: {@link io.kindling.core.pool.Pool} (runners on demand), its builder, pools by
 *       name, tracked resources, its events, placed children, and {@link io.kindling.core.pool.Runner} for tasks on
 *       runners.</li>
 * </ul>
 * Packages under {@code io.kindling.core.internal} are not API and not exported: the wire ({@code .wire}), pool
 * and cluster machinery ({@code .pool}, {@code .cluster}), the built-in plugins ({@code .provider}: {@code tcp},
 * {@code java}, {@code static}, {@code local}, the {@code on-demand} and {@code headroom} scaling policies) and
 * shared helpers. The one qualified export gives {@code rpc-region} the shared helpers (listener fan-out, waiting
 * on futures).
 */
module io.kindling.core {
    requires transitive io.kindling.api;
    // sun.reflect.ReflectionFactory: a lambda's serialized form, without opening the user's packages
    requires jdk.unsupported;
    // A release's rpc and remote: Java snippets run inside the node (optional: a runtime without it says so)
    requires static jdk.jshell;
    // JFR events (kindling.*): off unless a recording enables them
    requires jdk.jfr;

    exports io.kindling.core;
    exports io.kindling.core.cluster;
    exports io.kindling.core.pool;
    exports io.kindling.core.internal to io.kindling.rpc.region;
    // Cookies.key, for the offline-guessing benchmark (benchmarks/run-cookie-guess)
    exports io.kindling.core.internal.wire to io.kindling.benchmarks;

    // Plugin lookup happens here, so the module declares every SPI it loads.
    uses io.kindling.api.spi.TransportProvider;
    uses io.kindling.api.spi.CodecProvider;
    uses io.kindling.api.spi.DiscoveryStrategyProvider;
    uses io.kindling.api.spi.BackendProvider;
    uses io.kindling.api.spi.NodeExtensionProvider;
    uses io.kindling.api.spi.ScalingPolicyProvider;

    provides io.kindling.api.spi.TransportProvider with io.kindling.core.internal.provider.TcpTransportProvider;
    provides io.kindling.api.spi.CodecProvider with io.kindling.core.internal.provider.JavaCodecProvider;
    provides io.kindling.api.spi.DiscoveryStrategyProvider
            with io.kindling.core.internal.provider.StaticStrategyProvider;
    provides io.kindling.api.spi.BackendProvider with io.kindling.core.internal.provider.LocalBackendProvider;
    provides io.kindling.api.spi.ScalingPolicyProvider with io.kindling.core.internal.provider.OnDemandPolicyProvider,
            io.kindling.core.internal.provider.HeadroomPolicyProvider;
    provides io.kindling.api.spi.RunnerEntryPoint with io.kindling.core.internal.pool.RunnerMain.EntryPoint;
}
