package io.kindling.testing;

import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The cluster {@link KindlingCluster} started for a test class. */
public final class TestCluster {

    private final KindlingNode node;
    private final Pool pool;
    private final List<NodeName> peers;

    TestCluster(KindlingNode node, Pool pool, List<NodeName> peers) {
        this.node = node;
        this.pool = pool;
        this.peers = List.copyOf(peers);
    }

    /** {@return the local node, in the test's JVM} */
    public KindlingNode node() {
        return node;
    }

    /** {@return the peer nodes, each in its own JVM} */
    public List<NodeName> peers() {
        return peers;
    }

    /**
     * A peer by position.
     *
     * @param index a peer's position, from 0
     * @return that peer
     */
    public NodeName peer(int index) {
        return peers.get(index);
    }

    /**
     * Runs a task on a peer, with a 30 s timeout.
     *
     * @param peer the peer
     * @param task the task
     * @param <T> the result type
     * @return the task's result
     */
    public <T> T call(NodeName peer, RemoteCallable<T> task) {
        return node.call(Objects.requireNonNull(peer, "peer"), task, Duration.ofSeconds(30));
    }

    /** {@return the pool whose runners are the peers} */
    public Pool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "TestCluster[" + node.name() + " + " + peers + "]";
    }
}
