package io.kindling.rpc.region;

import io.kindling.api.KindlingException;
import java.util.List;
import java.util.Set;

/** No node of the asked region (nor of any fallback region) was known when a region call needed one. */
public class NoNodeInRegionException extends KindlingException {

    /** The regions tried, in order. */
    private final List<String> regions;

    /**
     * No node was found in the regions tried.
     *
     * @param regions the regions tried, in order
     * @param known the regions that have nodes now
     * @param detail how long it waited, or an empty string
     */
    public NoNodeInRegionException(List<String> regions, Set<String> known, String detail) {
        super("No node in region " + String.join(" or ", regions) + detail + "; regions with nodes now: " + known);
        this.regions = List.copyOf(regions);
    }

    /** {@return the regions tried, in order} */
    public List<String> regions() {
        return regions;
    }
}
