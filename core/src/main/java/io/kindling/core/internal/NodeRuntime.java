package io.kindling.core.internal;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RemoteRunnable;
import io.kindling.api.RpcTimeoutException;
import io.kindling.api.spi.Codec;
import io.kindling.core.internal.metrics.NodeMeters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a node's connections and task runners need of the node, and nothing else: its name, codec, class loader,
 * frame limit and timer, and the task context ({@link #runTask}) that tells a task which node it runs on and
 * counts the tasks running. The wire talks to this object, never to the node facade.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class NodeRuntime {

    private static final System.Logger LOG = LazyLogger.of(NodeRuntime.class.getName());
    private static final ThreadLocal<Node> CURRENT = new ThreadLocal<>();
    /** The node decoding a call's result on this thread, while it does. */
    private static final ThreadLocal<NodeName> RECEIVING = new ThreadLocal<>();

    private final Node node;
    private final Codec codec;
    private final ClassLoader classLoader;
    private final long maxFrameSize;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger tasksRunning = new AtomicInteger();
    private final NodeMeters meters = new NodeMeters();
    private volatile long lastTaskEnded = System.nanoTime();

    /**
     * A node's runtime.
     *
     * @param node the node tasks see as {@link #current()}
     * @param codec encodes tasks, results and exceptions
     * @param classLoader resolves the classes of decoded values
     * @param maxFrameSize the largest frame sent or accepted, in bytes
     * @param scheduler the node's timer
     */
    public NodeRuntime(Node node, Codec codec, ClassLoader classLoader, long maxFrameSize,
            ScheduledExecutorService scheduler) {
        this.node = node;
        this.codec = codec;
        this.classLoader = classLoader;
        this.maxFrameSize = maxFrameSize;
        this.scheduler = scheduler;
    }

    /**
     * {@return the node running the current task, if this thread runs one}
     */
    public static Optional<Node> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Decodes a call's result for this node: while it decodes, {@link #receivingResult()} names this node, so that a
     * value arriving as a result (a {@code Tracked} handle) knows where it arrived.
     *
     * @param body the frame's body
     * @param offset where the encoded result starts
     * @param length its length
     * @return the result
     * @throws IOException if it cannot be decoded
     * @throws ClassNotFoundException if a class it names is unknown here
     */
    public Object decodeResult(byte[] body, int offset, int length) throws IOException, ClassNotFoundException {
        RECEIVING.set(node.name());
        try {
            return codec.decode(body, offset, length, classLoader);
        } finally {
            RECEIVING.remove();
        }
    }

    /** {@return the node whose call result this thread decodes now; empty outside result decoding} */
    public static Optional<NodeName> receivingResult() {
        return Optional.ofNullable(RECEIVING.get());
    }

    /**
     * Runs a task as this node's: {@link #current()} is the node while it runs, and it counts as running.
     *
     * @param task the task
     * @param <T> the result type
     * @return its result
     * @throws Exception what the task threw
     */
    public <T> T runTask(RemoteCallable<T> task) throws Exception {
        CURRENT.set(node);
        tasksRunning.incrementAndGet();
        try {
            return task.call();
        } finally {
            lastTaskEnded = System.nanoTime();
            tasksRunning.decrementAndGet();
            CURRENT.remove();
        }
    }

    /**
     * A call to the node's own name: the task runs here on the executor, with {@link #current()} set, with the
     * errors of a remote call (its exception wrapped in {@link RemoteExecutionException}, a timeout as
     * {@link RpcTimeoutException} with the task interrupted), and without being serialized.
     *
     * @param task the task
     * @param timeout how long it may run
     * @param executor runs it
     * @param <T> the result type
     * @return completes with its result; cancelling it interrupts the task
     */
    public <T> CompletableFuture<T> callHere(RemoteCallable<T> task, Duration timeout, ExecutorService executor) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> running = executor.submit(() -> {
            try {
                result.complete(runTask(task));
            } catch (Throwable e) {
                result.completeExceptionally(new RemoteExecutionException(name(), e));
            }
        });
        var timer = scheduler.schedule(() -> {
            if (result.completeExceptionally(new RpcTimeoutException(name(), timeout, "Call"))) {
                running.cancel(true);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((value, error) -> {
            timer.cancel(false);
            if (result.isCancelled()) {
                running.cancel(true);
            }
        });
        return result;
    }

    /**
     * A cast to the node's own name: the task runs here on the executor; a failure is logged.
     *
     * @param task the task
     * @param executor runs it
     */
    public void castHere(RemoteRunnable task, ExecutorService executor) {
        executor.execute(() -> {
            try {
                runTask(() -> {
                    task.run();
                    return null;
                });
            } catch (Exception | Error e) {
                LOG.log(Level.WARNING, "A cast on " + name() + " to itself failed", e);
            }
        });
    }

    /** {@return how long no task has run: zero while one runs; since the start when none ever ran} */
    public Duration idleTime() {
        return tasksRunning.get() > 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lastTaskEnded);
    }

    /** {@return the node's name} */
    public NodeName name() {
        return node.name();
    }

    /** {@return the codec} */
    public Codec codec() {
        return codec;
    }

    /** {@return the class loader decoded values are resolved with} */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** {@return the largest frame, in bytes} */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /** {@return the node's metrics: its connections' counts and its calls' round trips} */
    public NodeMeters meters() {
        return meters;
    }

    /** {@return how many tasks peers run here now} */
    public int tasksRunning() {
        return tasksRunning.get();
    }

    /** {@return the node's timer} */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
