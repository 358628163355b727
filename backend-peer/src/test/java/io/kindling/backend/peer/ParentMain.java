package io.kindling.backend.peer;

import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import java.time.Duration;

/**
 * A parent JVM for the no-orphans test: a node with a peer pool of two runners; prints {@code CHILDREN <pid>
 * <pid>} and waits to be killed.
 */
public final class ParentMain {

    private ParentMain() {
    }

    public static void main(String[] args) throws Exception {
        KindlingNode node = KindlingNode.builder().name("orphan-parent@127.0.0.1").cookie("peer-test").start();
        Pool pool = Pool.builder(node).name("orphans").backend("peer").min(2).max(2).maxConcurrency(1).start();
        StringBuilder pids = new StringBuilder("CHILDREN");
        java.util.Set<Long> seen = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (pool.runners().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (var runner : pool.runners()) {
            seen.add(node.call(runner, () -> ProcessHandle.current().pid(), Duration.ofSeconds(10)));
        }
        seen.forEach(pid -> pids.append(' ').append(pid));
        System.out.println(pids);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
