package io.kindling.core.pool;

import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.core.KindlingNode;
import java.util.Optional;

/**
 * What a task running on a pool's runner can ask: which pool, which parent. A runner is a node named by the pool
 * that connects back to its parent and carries the attributes {@value #POOL_ATTRIBUTE} and
 * {@value #PARENT_ATTRIBUTE} ({@link RunnerProtocol} defines how runners start).
 */
public final class Runner {

    /** The attribute naming the pool a runner belongs to. */
    public static final String POOL_ATTRIBUTE = RunnerProtocol.POOL_ATTRIBUTE;
    /** The attribute naming a runner's parent node. */
    public static final String PARENT_ATTRIBUTE = RunnerProtocol.PARENT_ATTRIBUTE;

    private Runner() {
    }

    /**
     * The parent node, when the calling task runs on a pool's runner.
     *
     * @return the parent's name; empty outside a runner
     */
    public static Optional<NodeName> parent() {
        return KindlingNode.current().flatMap(node -> node.attributes().get(PARENT_ATTRIBUTE)).map(NodeName::parse);
    }

    /**
     * The pool, when the calling task runs on a pool's runner.
     *
     * @return the pool's name; empty outside a runner
     */
    public static Optional<String> pool() {
        return KindlingNode.current().flatMap(node -> node.attributes().get(POOL_ATTRIBUTE));
    }
}
