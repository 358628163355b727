package io.kindling.examples.kv;

import io.kindling.api.NodeName;
import io.kindling.core.cluster.KeyRouter;

/**
 * Which node owns a bucket: the one routing function of the store, a plain interface a user replaces at will.
 */
@FunctionalInterface
public interface Router {

    /**
     * The node that owns a bucket.
     *
     * @param bucket the bucket's name
     * @return its node
     * @throws IllegalArgumentException if the bucket cannot be routed (the message says why)
     */
    NodeName route(String bucket);

    /**
     * The guide's router: by the first character, through a routing table.
     *
     * @param table the table
     * @return the router
     */
    static Router table(RoutingTable table) {
        return table::route;
    }

    /**
     * The production router the guide advises: consistent (rendezvous) hashing over a membership.
     *
     * @param keys the key router, e.g. {@link KeyRouter#withAttribute} over the nodes that run the store
     * @return the router
     */
    static Router hashed(KeyRouter keys) {
        return keys::route;
    }
}
