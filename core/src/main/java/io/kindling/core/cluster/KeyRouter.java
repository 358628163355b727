package io.kindling.core.cluster;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Maps keys to nodes by rendezvous hashing (highest random weight): each key goes to the node whose hash of
 * (node, key) is highest. What Elixir's guide advises for a production key-value store ("use consistent hashing to
 * map a bucket to a node"), without a ring to maintain:
 * <ul>
 *   <li>every node that sees the same membership routes a key to the same node;</li>
 *   <li>when a node joins, only the keys it now wins move (about 1/N of them); when one leaves, only its keys move,
 *       spread over the rest;</li>
 *   <li>a lookup costs one hash per member, whatever the number of keys, and keeps no per-key state.</li>
 * </ul>
 * The membership is read at each lookup from a supplier: a fixed set, the nodes connected now
 * ({@link #connected}), or those with an attribute ({@link #withAttribute}).
 */
public final class KeyRouter {

    private final Supplier<? extends Collection<NodeName>> members;

    private KeyRouter(Supplier<? extends Collection<NodeName>> members) {
        this.members = members;
    }

    /**
     * A router over the nodes a supplier names at each lookup.
     *
     * @param members the current members; called at every {@link #route}
     * @return the router
     */
    public static KeyRouter over(Supplier<? extends Collection<NodeName>> members) {
        return new KeyRouter(Objects.requireNonNull(members, "members"));
    }

    /**
     * A router over a node and the nodes connected to it now (a cluster's members, as this node sees them).
     *
     * @param node the local node
     * @return the router
     */
    public static KeyRouter connected(Node node) {
        return over(() -> {
            List<NodeName> members = new ArrayList<>(node.connectedNodes());
            members.add(node.name());
            return members;
        });
    }

    /**
     * A router over the nodes, this one included, whose handshake attributes have {@code key = value} (a role, a
     * region, an application version).
     *
     * @param node the local node
     * @param key the attribute
     * @param value its value
     * @return the router
     */
    public static KeyRouter withAttribute(Node node, String key, String value) {
        return over(() -> {
            List<NodeName> members = new ArrayList<>();
            if (value.equals(node.attributes().values().get(key))) {
                members.add(node.name());
            }
            for (NodeName peer : node.connectedNodes()) {
                node.attributesOf(peer).filter(a -> value.equals(a.values().get(key))).ifPresent(a -> members.add(peer));
            }
            return members;
        });
    }

    /**
     * The node a key belongs to now.
     *
     * @param key the key
     * @return its node
     * @throws IllegalStateException if there is no member to route to
     */
    public NodeName route(String key) {
        NodeName best = null;
        long bestWeight = 0;
        for (NodeName node : members.get()) {
            long weight = weight(node, key);
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0
                    || weight == bestWeight && node.compareTo(best) < 0) {
                best = node;
                bestWeight = weight;
            }
        }
        if (best == null) {
            throw new IllegalStateException("No node to route key '" + key + "' to: the router's membership is empty");
        }
        return best;
    }

    /** A 64-bit hash of the pair: FNV-1a over both, then the SplitMix64 finalizer to spread the bits. */
    static long weight(NodeName node, String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : node.toString().getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash = (hash ^ 0xff) * 0x100000001b3L; // a separator: ("ab", "c") and ("a", "bc") differ
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }
}
