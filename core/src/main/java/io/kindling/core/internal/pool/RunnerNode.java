package io.kindling.core.internal.pool;

import io.kindling.api.KindlingException;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.KindlingConfig;
import io.kindling.core.KindlingNode;
import io.kindling.core.internal.AppVersion;
import io.kindling.core.internal.LazyLogger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Starts a runner node in this JVM, for any backend: listens on the parent's host, starts the spec's extensions,
 * connects to the parent (retrying until the boot timeout), and watches it. The watchdogs close the node when the
 * parent node goes down (a closed connection, or no heartbeat for {@code kindling.heartbeat.timeout}), when the
 * parent cannot be reached within the boot timeout, and when no task has run for the spec's idle timeout (a
 * failsafe: the pool stops idle runners first, and never gives its {@code min} runners one).
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RunnerNode {

    private static final System.Logger LOG = LazyLogger.of(RunnerNode.class.getName());
    /** The pause between attempts to reach a parent that is briefly unreachable. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private RunnerNode() {
    }

    /**
     * Starts a runner node.
     *
     * @param spec what the backend was asked to boot
     * @param classLoader resolves tasks and extensions; {@code null} for the default
     * @param whenStopped run with the reason after the node closed by itself: the parent went away, or it was
     *     idle for the spec's idle timeout (a child JVM exits there)
     * @return the connected runner node
     * @throws KindlingException if the node cannot start (an extension failed: the message names it) or the
     *     parent cannot be reached within the boot timeout
     */
    public static KindlingNode start(RunnerSpec spec, ClassLoader classLoader, Consumer<String> whenStopped) {
        return start(spec, classLoader, whenStopped, phase -> { });
    }

    /**
     * Starts a runner node, reporting its boot phases.
     *
     * @param spec what the backend was asked to boot
     * @param classLoader resolves tasks and extensions; {@code null} for the default
     * @param whenStopped as for {@link #start(RunnerSpec, ClassLoader, Consumer)}
     * @param phases told {@link RunnerProtocol#PHASE_EXTENSIONS} once the node runs
     * @return the connected runner node
     */
    public static KindlingNode start(RunnerSpec spec, ClassLoader classLoader, Consumer<String> whenStopped,
            Consumer<String> phases) {
        long deadline = System.nanoTime() + spec.bootTimeout().toNanos();
        // The parent's settings carry the layers in its jars (core's defaults, kindling.properties), which are the
        // runner's jars too: the runner does not read them again (that opens jars: about 20 ms of its boot).
        KindlingNode.Builder builder = KindlingNode.builder()
                .config(KindlingConfig.builder().bundledFiles(false).build());
        spec.settings().forEach(builder::set); // the parent's configuration first: what follows is the runner's own
        // it listens on its own name's host: the parent's for local runners, another host's for the ssh backend
        builder.name(spec.runnerName()).cookie(spec.cookie())
                .host(spec.runnerName().host()).attribute(RunnerProtocol.POOL_ATTRIBUTE, spec.poolName())
                .attribute(RunnerProtocol.PARENT_ATTRIBUTE, spec.parent().name().toString())
                .set("kindling.extensions", String.join(",", spec.extensions()));
        String version = spec.env().get(AppVersion.ENV);
        if (version != null) {
            builder.set(AppVersion.KEY, version);
        }
        if (classLoader != null) {
            builder.classLoader(classLoader);
        }
        KindlingNode node = builder.start();
        phases.accept(RunnerProtocol.PHASE_EXTENSIONS);
        NodeName parent = spec.parent().name();
        CompletableFuture<Void> lost = new CompletableFuture<>();
        node.monitor(event -> {
            if (event instanceof NodeEvent.NodeDown down && down.node().equals(parent) && lost.complete(null)) {
                LOG.log(Level.INFO, "Runner " + node.name() + ": parent " + parent + " is down (" + down.reason()
                        + "); stopping");
                Thread.ofVirtual().start(() -> {
                    node.close();
                    whenStopped.accept("the parent node went down");
                });
            }
        });
        KindlingException last = null;
        while (System.nanoTime() < deadline) {
            try {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                node.connect(spec.parent(), left);
                watchIdleness(node, spec.idleTimeout(), lost, whenStopped);
                return node;
            } catch (KindlingException e) {
                last = e;
                try {
                    Thread.sleep(RETRY_PAUSE); // the parent may be briefly unreachable; retry until the deadline
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

    /**
     * Stops the runner once no task has run for the idle timeout (none when zero) and it holds no tracked resource.
     */
    private static void watchIdleness(KindlingNode node, Duration idleTimeout, CompletableFuture<Void> stopped,
            Consumer<String> whenStopped) {
        if (idleTimeout.isZero()) {
            return;
        }
        long check = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
        Thread.ofPlatform().daemon().name("kindling-runner-idle-" + node.name().name()).start(() -> {
            while (!stopped.isDone()) {
                try {
                    Thread.sleep(check); // a periodic check, not a wait for a condition another thread signals
                } catch (InterruptedException e) {
                    return;
                }
                if (node.isClosed()) {
                    return;
                }
                if (node.idleTime().compareTo(idleTimeout) >= 0 && TrackedResources.heldOn(node.name()) == 0
                        && stopped.complete(null)) {
                    LOG.log(Level.INFO, "Runner " + node.name() + ": no task for " + idleTimeout.toMillis()
                            + " ms; stopping");
                    node.close();
                    whenStopped.accept("idle for " + idleTimeout.toMillis() + " ms");
                    return;
                }
            }
        });
    }
}
