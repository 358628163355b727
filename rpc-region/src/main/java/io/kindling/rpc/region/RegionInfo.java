package io.kindling.rpc.region;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a node answers when asked its region.
 *
 * @param region the node's region
 * @param primaryRegion the primary region as that node knows it
 * @param version the node's Kindling version
 */
public record RegionInfo(String region, String primaryRegion, String version) implements Serializable {

    /** Checks the parts are present. */
    public RegionInfo {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(primaryRegion, "primaryRegion");
        Objects.requireNonNull(version, "version");
    }
}
