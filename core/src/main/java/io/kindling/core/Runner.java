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
 * parent treats its arrival as "ready". The runner's watchdogs close it when the parent node goes down (a closed
 * connection, or no heartbeat for {@code kindling.heartbeat.timeout}), when the parent cannot be reached within
 * the boot timeout, and when no task has run for the spec's idle timeout (a failsafe: the pool stops idle runners
 * first, and never gives its {@code min} runners one).
 */
public final class Runner {

    /** The attribute naming the pool a runner belongs to. */
    public static final String POOL_ATTRIBUTE = "kindling.runner.pool";
    /** The attribute naming a runner's parent node. */
    public static final String PARENT_ATTRIBUTE = "kindling.runner.parent";

    private static final System.Logger LOG = System.getLogger(Runner.class.getName());

    /** What a runner process prints first on its standard output, before its phase. */
    public static final String PHASE_PREFIX = "kindling-runner: phase ";
    /** What a runner process prints, followed by the reason, when it cannot boot. */
    public static final String FAILED_PREFIX = "kindling-runner: failed: ";
    static final String PHASE_STARTED = "started";
    static final String PHASE_EXTENSIONS = "node and extensions started";
    static final String PHASE_CONNECTED = "connected";
    /** Exit code of a runner process that could not boot. */
    public static final int EXIT_BOOT_FAILED = 3;
    /** Exit code of a runner process whose parent went away. */
    public static final int EXIT_PARENT_LOST = 4;

    private Runner() {
    }

    /**
     * The entry point of a runner process, for backends that start one (such as {@code backend-peer}). Reads its
     * spec from standard input as {@code key=value} lines ending with an empty line: {@code name}, {@code parent}
     * ({@code name@host:port}), {@code pool}, {@code cookie}, {@code boot-timeout-ms}, {@code extensions}
     * (comma-separated), {@code idle-timeout-ms} (0: never) and {@code parent-pid}; the cookie never appears on a
     * command line. Prints
     * {@value #PHASE_PREFIX}{@code <phase>} lines as it boots, or {@value #FAILED_PREFIX}{@code <reason>} and exits
     * with {@value #EXIT_BOOT_FAILED}. Exits when its standard input ends (the parent closed it, or died), when the
     * parent process exits, or when the parent node goes down ({@value #EXIT_PARENT_LOST}): never an orphan.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println(PHASE_PREFIX + PHASE_STARTED);
        System.out.flush();
        warmUp();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        java.util.Properties settings = new java.util.Properties();
        try {
            StringBuilder text = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                text.append(line).append('\n');
            }
            if (line == null) {
                fail("standard input ended before the runner spec");
            }
            settings.load(new java.io.StringReader(text.toString()));
        } catch (java.io.IOException e) {
            fail("cannot read the runner spec: " + e);
        }
        RunnerSpec spec;
        try {
            spec = new RunnerSpec(NodeName.parse(required(settings, "name")),
                    io.kindling.api.NodeAddress.parse(required(settings, "parent")), required(settings, "cookie"),
                    required(settings, "pool"), java.util.Map.of(),
                    Duration.ofMillis(Long.parseLong(required(settings, "boot-timeout-ms"))),
                    java.util.Arrays.stream(settings.getProperty("extensions", "").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).toList(),
                    Duration.ofMillis(Long.parseLong(settings.getProperty("idle-timeout-ms", "0").trim())));
        } catch (RuntimeException e) {
            fail("bad runner spec: " + e.getMessage());
            return;
        }
        String parentPid = settings.getProperty("parent-pid", "");
        if (!parentPid.isBlank()) {
            ProcessHandle.of(Long.parseLong(parentPid.trim())).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> exit(EXIT_PARENT_LOST, "the parent process exited")),
                    () -> exit(EXIT_PARENT_LOST, "the parent process is gone"));
        }
        Thread.ofPlatform().daemon().name("kindling-runner-stdin").start(() -> {
            try {
                while (in.read() >= 0) {
                    // the parent sends nothing more; the end of input is the signal
                }
            } catch (java.io.IOException e) {
                // treated as the end
            }
            exit(0, "standard input closed by the parent");
        });
        KindlingNode node;
        try {
            node = start(spec, null, reason -> exit(reason.startsWith("idle") ? 0 : EXIT_PARENT_LOST, reason), phase -> {
                System.out.println(PHASE_PREFIX + phase);
                System.out.flush();
            });
        } catch (RuntimeException e) {
            fail(e.getMessage() != null ? e.getMessage() : e.toString());
            return;
        }
        RUNNING.set(node);
        System.out.println(PHASE_PREFIX + PHASE_CONNECTED);
        System.out.flush();
        try {
            new java.util.concurrent.CountDownLatch(1).await(); // the exit paths above end the process
        } catch (InterruptedException e) {
            exit(0, "interrupted");
        }
    }

    /**
     * Starts, on other threads, the one-time initializations the boot path would otherwise wait for in turn: the
     * security providers behind the handshake's random nonces and HMAC, and the logging backend. They run while
     * this thread reads the spec and starts the node.
     */
    private static void warmUp() {
        Thread.ofPlatform().daemon().name("kindling-runner-warm-crypto").start(() -> {
            try {
                new java.security.SecureRandom().nextLong();
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(new byte[] {1}, "HmacSHA256"));
                mac.doFinal(new byte[1]);
            } catch (java.security.GeneralSecurityException e) {
                // the handshake will report it
            }
        });
        Thread.ofPlatform().daemon().name("kindling-runner-warm-logging").start(() -> LOG.isLoggable(Level.INFO));
    }

    /** Stops the runner once no task has run for the idle timeout (none when zero). */
    private static void watchIdleness(KindlingNode node, Duration idleTimeout, CompletableFuture<Void> stopped,
            java.util.function.Consumer<String> whenStopped) {
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
                if (node.idleNanos() >= idleTimeout.toNanos() && stopped.complete(null)) {
                    LOG.log(Level.INFO, "Runner " + node.name() + ": no task for " + idleTimeout.toMillis()
                            + " ms; stopping");
                    node.close();
                    whenStopped.accept("idle for " + idleTimeout.toMillis() + " ms");
                    return;
                }
            }
        });
    }

    private static final java.util.concurrent.atomic.AtomicReference<KindlingNode> RUNNING =
            new java.util.concurrent.atomic.AtomicReference<>();

    private static String required(java.util.Properties settings, String key) {
        String value = settings.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value.trim();
    }

    private static void fail(String reason) {
        System.out.println(FAILED_PREFIX + reason.replace('\n', ' '));
        System.out.flush();
        System.exit(EXIT_BOOT_FAILED);
    }

    private static void exit(int code, String reason) {
        LOG.log(Level.INFO, "Runner exiting: " + reason);
        KindlingNode node = RUNNING.get();
        if (node != null) {
            node.close();
        }
        System.exit(code);
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
     * @param whenStopped run with the reason after the node closed by itself: the parent went away, or it was
     *     idle for the spec's idle timeout (a child JVM exits there)
     * @return the connected runner node
     * @throws KindlingException if the node cannot start (an extension failed: the message names it) or the
     *     parent cannot be reached within the boot timeout
     */
    public static KindlingNode start(RunnerSpec spec, ClassLoader classLoader,
            java.util.function.Consumer<String> whenStopped) {
        return start(spec, classLoader, whenStopped, phase -> { });
    }

    static KindlingNode start(RunnerSpec spec, ClassLoader classLoader,
            java.util.function.Consumer<String> whenStopped, java.util.function.Consumer<String> phases) {
        long deadline = System.nanoTime() + spec.bootTimeout().toNanos();
        KindlingNode.Builder builder = KindlingNode.builder().name(spec.runnerName()).cookie(spec.cookie())
                .host(spec.parent().host()).attribute(POOL_ATTRIBUTE, spec.poolName())
                .attribute(PARENT_ATTRIBUTE, spec.parent().name().toString())
                .set("kindling.extensions", String.join(",", spec.extensions()));
        if (classLoader != null) {
            builder.classLoader(classLoader);
        }
        KindlingNode node = builder.start();
        phases.accept(PHASE_EXTENSIONS);
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
