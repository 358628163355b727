package io.kindling.core.pool;

import io.kindling.api.NodeName;
import java.util.concurrent.CompletableFuture;

/**
 * A long-lived service placed on a runner with {@link Pool#placeChild}: it holds a slot, and keeps its runner from
 * idle shutdown, until it returns, {@link #stop()} is called, or the pool shuts down.
 */
public final class PlacedChild {
    private final NodeName runner;
    private final CompletableFuture<Object> done;

    PlacedChild(NodeName runner, CompletableFuture<Object> done) {
        this.runner = runner;
        this.done = done;
    }

    /** {@return the runner it runs on} */
    public NodeName runner() {
        return runner;
    }

    /** {@return completes when the service ends: normally, with its failure, or cancelled by a stop} */
    public CompletableFuture<Void> done() {
        return done.handle((v, e) -> null);
    }

    /** {@return whether it still runs} */
    public boolean isRunning() {
        return !done.isDone();
    }

    /** Stops the service (interrupts its thread on the runner) and frees its slot. */
    public void stop() {
        done.cancel(true);
    }
}
