package io.kindling.rpc.region;

import io.kindling.api.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a region call behaves.
 *
 * @param timeout the bound on the whole call, waiting for a node included (default 5 s)
 * @param whenEmpty what to do when the region has no node (default {@link WhenEmpty.Fail})
 * @param sameVersionOnly only nodes that announce the caller's application version ({@code kindling.app.version})
 *     are candidates, so a rolling deploy never sends a task to other code (default {@code false}: any node)
 * @param spreadOwnRegion a call to the caller's own region goes to a random node of it, the caller included (default
 *     {@code false}: it runs on the caller, as Fly.RPC does, without a network hop)
 */
public record CallOptions(Duration timeout, WhenEmpty whenEmpty, boolean sameVersionOnly,
        boolean spreadOwnRegion) {

    /** What a call does when its region has no node. */
    public sealed interface WhenEmpty {
        /** Fail at once with {@link NoNodeInRegionException}. */
        record Fail() implements WhenEmpty {
        }

        /** Wait up to the call's timeout for a node of the region to appear (a deploy under way). */
        record Wait() implements WhenEmpty {
        }

        /**
         * Use the first of these regions that has a node; {@link RegionRpc#PRIMARY} may be one of them.
         *
         * @param regions the regions, in order of preference
         */
        record Fallback(List<String> regions) implements WhenEmpty {
            /** Copies the list. */
            public Fallback {
                regions = List.copyOf(regions);
                if (regions.isEmpty()) {
                    throw new IllegalArgumentException("A fallback needs at least one region");
                }
            }
        }
    }

    /** Checks the parts. */
    public CallOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(whenEmpty, "whenEmpty");
        Durations.requirePositive(timeout, "A region call's timeout");
    }

    /** {@return 5 s, fail at once when the region is empty, any application version, own region runs here} */
    public static CallOptions defaults() {
        return new CallOptions(Duration.ofSeconds(5), new WhenEmpty.Fail(), false, false);
    }

    /** {@return these options, spreading calls to the caller's own region over all its nodes} */
    public CallOptions spread() {
        return new CallOptions(timeout, whenEmpty, sameVersionOnly, true);
    }

    /**
     * {@return these options, with only nodes of the caller's application version as candidates; when the region
     * has none, the call behaves as when the region is empty}
     */
    public CallOptions sameAppVersion() {
        return new CallOptions(timeout, whenEmpty, true, spreadOwnRegion);
    }

    /**
     * These options with another timeout.
     *
     * @param timeout another timeout
     * @return these options with it
     */
    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(timeout, whenEmpty, sameVersionOnly, spreadOwnRegion);
    }

    /** {@return these options, waiting up to the timeout for a node when the region is empty} */
    public CallOptions waitForNode() {
        return new CallOptions(timeout, new WhenEmpty.Wait(), sameVersionOnly, spreadOwnRegion);
    }

    /**
     * These options, falling back to other regions.
     *
     * @param regions regions to use, in order, when the asked one has no node
     * @return these options with that fallback
     */
    public CallOptions fallback(String... regions) {
        return new CallOptions(timeout, new WhenEmpty.Fallback(List.of(regions)), sameVersionOnly, spreadOwnRegion);
    }
}
