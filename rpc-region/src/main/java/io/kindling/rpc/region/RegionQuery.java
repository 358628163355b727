package io.kindling.rpc.region;

import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;

/** The task a registry sends to a node to learn its region; runs there. */
final class RegionQuery implements RemoteCallable<RegionInfo> {

    private static final long serialVersionUID = 1L;

    @Override
    public RegionInfo call() {
        var node = KindlingNode.current().orElseThrow(() -> new IllegalStateException(
                "A region query must run as a task on a node"));
        RegionExtension extension = RegionExtension.on(node.name()).orElseThrow(() -> new IllegalStateException(
                "Node " + node.name() + " does not run the region extension"));
        return new RegionInfo(extension.region(), extension.primaryRegion(), RegionExtension.VERSION);
    }
}
