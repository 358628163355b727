package io.kindling.core.pool;

import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.internal.NodeRuntime;
import io.kindling.core.internal.pool.TrackedResources;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.UUID;

/**
 * A resource that outlives the call that made it, on the runner that holds it (FLAME's {@code track_resources}):
 * a temporary file, an open stream, a service. A task on a pool's runner wraps the resource's value with
 * {@link #of(Object, AutoCloseable)} and returns the handle, alone or inside its result; when the handle arrives at
 * the caller, the runner is kept alive, and never stopped for idleness, until the handle is {@linkplain #release()
 * released}. Releasing it runs the release action on the runner. A handle the caller drops without releasing is
 * released when the garbage collector finds it unreachable. When the runner's node closes (the pool stops it, it is
 * lost, or the parent goes away) every resource it holds is released there.
 *
 * <pre>{@code
 * Tracked<String> file = pool.call(() -> {
 *     Path path = Files.createTempFile("render", ".png");
 *     Renderer.render(scene, path);
 *     return Tracked.of(path.toString(), () -> Files.deleteIfExists(path));
 * });
 * try (file) {
 *     byte[] head = pool.call(() -> Files.readAllBytes(Path.of(file.value()))); // may run on any runner
 * }                                                                              // the runner deletes the file
 * }</pre>
 *
 * <p>A task may send the handle back to its runner (to use the resource) or elsewhere; only its arrival as a call
 * result makes a lease. The value must be serializable; the release action stays on the runner.
 *
 * @param <T> the value's type
 */
public final class Tracked<T> implements Serializable, AutoCloseable {

    @Serial
    private static final long serialVersionUID = 1L;
    private static final Cleaner CLEANER = Cleaner.create();

    /** The handle's id, unique per resource. */
    private final String id;
    /** The runner holding the resource. */
    private final NodeName runner;
    /** What the runner handed out. */
    private final T value;

    private Tracked(String id, NodeName runner, T value) {
        this.id = id;
        this.runner = runner;
        this.value = value;
    }

    /**
     * Tracks a resource of the runner the calling task runs on.
     *
     * @param value what the caller gets (a path, an id, an address): serializable
     * @param release releases the resource, on this runner, once: when the handle is released or the runner closes
     * @param <T> the value's type
     * @return the handle, to return from the task
     * @throws IllegalStateException if the calling thread does not run a task on a pool's runner
     */
    public static <T> Tracked<T> of(T value, AutoCloseable release) {
        Objects.requireNonNull(release, "release");
        Node node = KindlingNode.current().filter(current -> Runner.pool().isPresent()).orElseThrow(
                () -> new IllegalStateException("Tracked.of is for a task running on a pool's runner (the runner "
                        + "holds the resource until its caller releases the handle); this thread runs none"));
        String id = UUID.randomUUID().toString();
        TrackedResources.hold(node, id, release);
        return new Tracked<>(id, node.name(), value);
    }

    /** {@return the value the runner handed out} */
    public T value() {
        return value;
    }

    /** {@return the runner holding the resource} */
    public NodeName runner() {
        return runner;
    }

    /**
     * Releases the handle: the runner releases the resource (in the background; a failure there is logged on the
     * runner), and its idle time starts. Calling it again, or after the runner went away, does nothing.
     */
    public void release() {
        TrackedResources.release(runner, id);
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }

    /**
     * {@return whether this handle holds its runner: it arrived here as a call result and is neither released nor
     * gone with its runner}
     */
    public boolean isHeld() {
        return TrackedResources.isLeased(runner, id);
    }

    /**
     * A handle arriving as a call result at another node than its runner leases the runner there.
     *
     * @return this handle
     */
    @Serial
    private Object readResolve() {
        NodeRuntime.receivingResult().filter(receiver -> !receiver.equals(runner)).ifPresent(receiver -> {
            TrackedResources.leased(runner, id);
            NodeName heldBy = runner;
            String handle = id;
            CLEANER.register(this, () -> TrackedResources.release(heldBy, handle));
        });
        return this;
    }

    @Override
    public String toString() {
        return "Tracked[" + value + " on " + runner + "]";
    }
}
