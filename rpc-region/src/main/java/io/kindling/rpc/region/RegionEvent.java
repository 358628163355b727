package io.kindling.rpc.region;

import io.kindling.api.NodeName;

/** A change in a {@link RegionRegistry}, delivered to its listeners in order. */
public sealed interface RegionEvent {

    /** {@return the node the event is about} */
    NodeName node();

    /**
     * A node answered its region and is now a target for that region.
     *
     * @param node the node
     * @param info what it answered
     */
    record NodeJoined(NodeName node, RegionInfo info) implements RegionEvent {
    }

    /**
     * A node with a region went down and is no longer a target.
     *
     * @param node the node
     * @param region the region it was in
     */
    record NodeLeft(NodeName node, String region) implements RegionEvent {
    }

    /**
     * A node could not say its region (it lacks the module or the extension, or did not answer in time); it is
     * asked again when it reconnects.
     *
     * @param node the node
     * @param reason why, in words
     */
    record NoRegionSupport(NodeName node, String reason) implements RegionEvent {
    }
}
