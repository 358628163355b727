package io.kindling.examples.kv;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;
import java.time.Duration;
import java.util.Optional;

/**
 * The store as a client sees it: each operation runs on the node its bucket routes to, here directly, elsewhere with
 * {@link Node#call}. Errors of the remote call (the node is down, unreachable, too slow) propagate as Kindling's
 * exceptions, for the caller to report.
 */
public final class KvStore {

    private final Node node;
    private final Router router;
    private final Duration timeout;

    /**
     * @param node the local node
     * @param router where each bucket lives
     * @param timeout the bound on one remote operation
     */
    public KvStore(Node node, Router router, Duration timeout) {
        this.node = node;
        this.router = router;
        this.timeout = timeout;
    }

    /**
     * {@return the node a bucket lives on}
     *
     * @param bucket the bucket
     * @throws IllegalArgumentException if it cannot be routed
     */
    public NodeName owner(String bucket) {
        return router.route(bucket);
    }

    /**
     * Creates a bucket on its node.
     *
     * @param bucket its name
     */
    public void create(String bucket) {
        run(bucket, () -> {
            local().create(bucket);
            return Boolean.TRUE;
        });
    }

    /**
     * Puts a value.
     *
     * @param bucket the bucket
     * @param key the key
     * @param value the value
     * @return whether the bucket exists
     */
    public boolean put(String bucket, String key, String value) {
        return run(bucket, () -> local().put(bucket, key, value));
    }

    /**
     * Reads a value.
     *
     * @param bucket the bucket
     * @param key the key
     * @return the value ({@code ""} for an absent key), or empty when the bucket does not exist
     */
    public Optional<String> get(String bucket, String key) {
        return Optional.ofNullable(run(bucket, () -> local().get(bucket, key).orElse(null)));
    }

    /**
     * Deletes a key.
     *
     * @param bucket the bucket
     * @param key the key
     * @return whether the bucket exists
     */
    public boolean delete(String bucket, String key) {
        return run(bucket, () -> local().delete(bucket, key));
    }

    private <T> T run(String bucket, RemoteCallable<T> operation) {
        return node.call(router.route(bucket), operation, timeout);
    }

    /** The buckets of the node running the current operation. */
    private static Buckets local() {
        return Buckets.of(KindlingNode.current().orElseThrow().name());
    }
}
