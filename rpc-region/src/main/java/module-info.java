/**
 * Region RPC (Fly.RPC for Kindling): {@link io.kindling.rpc.region.RegionRpc} runs a task on a random node of a
 * named region, or of the primary region; {@link io.kindling.rpc.region.RegionRegistry} knows which node is in
 * which region. Every node with this module answers region queries (the {@code region} node extension starts by
 * default).
 */
module io.kindling.rpc.region {
    requires transitive io.kindling.core;

    exports io.kindling.rpc.region;

    provides io.kindling.api.spi.NodeExtensionProvider with io.kindling.rpc.region.RegionExtensionProvider;
}
