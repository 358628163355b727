package io.kindling.core;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerSpec;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The runner side of a {@link Pool}: what any backend starts. A runner is a node named by the pool that connects
 * back to its parent and carries two attributes, {@value #POOL_ATTRIBUTE} and {@value #PARENT_ATTRIBUTE}; the
 * parent treats its arrival as "ready". The runner's watchdog closes it when the parent node goes down (a closed
 * connection, or no heartbeat for {@code kindling.heartbeat.timeout}), and when the parent cannot be reached
 * within the boot timeout.
 */
public final class Runner {

    /** The attribute naming the pool a runner belongs to. */
    public static final String POOL_ATTRIBUTE = "kindling.runner.pool";
    /** The attribute naming a runner's parent node. */
    public static final String PARENT_ATTRIBUTE = "kindling.runner.parent";

    private static final System.Logger LOG = System.getLogger(Runner.class.getName());

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

    /**
     * Starts a runner node in this JVM: listens on the parent's host, starts the spec's extensions, connects to
     * the parent (retrying until the boot timeout), and watches it.
     *
     * @param spec what the backend was asked to boot
     * @param classLoader resolves tasks and extensions; {@code null} for the default
     * @param whenParentLost run after the node closed because the parent went away (a child JVM exits there)
     * @return the connected runner node
     * @throws KindlingException if the node cannot start (an extension failed: the message names it) or the
     *     parent cannot be reached within the boot timeout
     */
    public static KindlingNode start(RunnerSpec spec, ClassLoader classLoader, Runnable whenParentLost) {
        long deadline = System.nanoTime() + spec.bootTimeout().toNanos();
        KindlingNode.Builder builder = KindlingNode.builder().name(spec.runnerName()).cookie(spec.cookie())
                .host(spec.parent().host()).attribute(POOL_ATTRIBUTE, spec.poolName())
                .attribute(PARENT_ATTRIBUTE, spec.parent().name().toString())
                .set("kindling.extensions", String.join(",", spec.extensions()));
        if (classLoader != null) {
            builder.classLoader(classLoader);
        }
        KindlingNode node = builder.start();
        NodeName parent = spec.parent().name();
        CompletableFuture<Void> lost = new CompletableFuture<>();
        node.monitor(event -> {
            if (event instanceof NodeEvent.NodeDown down && down.node().equals(parent) && lost.complete(null)) {
                LOG.log(Level.INFO, "Runner " + node.name() + ": parent " + parent + " is down (" + down.reason()
                        + "); stopping");
                Thread.ofVirtual().start(() -> {
                    node.close();
                    whenParentLost.run();
                });
            }
        });
        KindlingException last = null;
        while (System.nanoTime() < deadline) {
            try {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                node.connect(spec.parent(), left);
                return node;
            } catch (KindlingException e) {
                last = e;
                try {
                    Thread.sleep(100); // the parent may be briefly unreachable; retry until the boot deadline
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        node.close();
        throw new KindlingException("Runner " + spec.runnerName() + " could not reach its parent " + spec.parent()
                + " within the boot timeout of " + spec.bootTimeout().toMillis() + " ms"
                + (last != null ? ": " + last.getMessage() : ""), last);
    }
}
