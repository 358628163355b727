package io.kindling.examples.kv;

import io.kindling.api.NodeName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The buckets living on one node (the guide's {@code KV.Registry} and {@code KV.Bucket}): named in-memory maps.
 * Held in memory only: a node that stops loses its buckets.
 */
public final class Buckets {

    /** The buckets of each node running in this JVM (tests run several). */
    private static final Map<NodeName, Buckets> BY_NODE = new ConcurrentHashMap<>();

    private final Map<String, Map<String, String>> buckets = new ConcurrentHashMap<>();

    private Buckets() {
    }

    /**
     * The buckets of a node of this JVM, created empty on first use.
     *
     * @param node the node
     * @return its buckets
     */
    public static Buckets of(NodeName node) {
        return BY_NODE.computeIfAbsent(node, unused -> new Buckets());
    }

    /**
     * Forgets a node's buckets (the node stopped).
     *
     * @param node the node
     */
    public static void drop(NodeName node) {
        BY_NODE.remove(node);
    }

    /**
     * Creates a bucket; creating one that exists keeps it as it is.
     *
     * @param bucket its name
     */
    public void create(String bucket) {
        buckets.computeIfAbsent(bucket, unused -> new ConcurrentHashMap<>());
    }

    /**
     * Puts a value.
     *
     * @param bucket the bucket
     * @param key the key
     * @param value the value
     * @return whether the bucket exists (nothing is put otherwise)
     */
    public boolean put(String bucket, String key, String value) {
        Map<String, String> map = buckets.get(bucket);
        if (map == null) {
            return false;
        }
        map.put(key, value);
        return true;
    }

    /**
     * Reads a value. As in the guide, an absent key reads as the empty string.
     *
     * @param bucket the bucket
     * @param key the key
     * @return the value ({@code ""} for an absent key), or empty when the bucket does not exist
     */
    public Optional<String> get(String bucket, String key) {
        Map<String, String> map = buckets.get(bucket);
        return map == null ? Optional.empty() : Optional.of(map.getOrDefault(key, ""));
    }

    /**
     * Deletes a key.
     *
     * @param bucket the bucket
     * @param key the key
     * @return whether the bucket exists
     */
    public boolean delete(String bucket, String key) {
        Map<String, String> map = buckets.get(bucket);
        if (map == null) {
            return false;
        }
        map.remove(key);
        return true;
    }
}
