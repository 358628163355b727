package io.kindling.core.internal;

import io.kindling.api.Subscription;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Listener fan-out: events are delivered in order on one virtual thread of their own; a listener that throws is
 * logged and keeps receiving events. After {@link #shutdown()} events are dropped (the owner is closed). The one
 * implementation behind node, cluster, pool and region events.
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param <E> the event type
 */
public final class Listeners<E> {

    private static final System.Logger LOG = LazyLogger.of(Listeners.class.getName());

    private final String owner;
    private final List<Consumer<? super E>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;

    /**
     * Listeners delivered to on a thread of their own.
     *
     * @param threadName the name of the delivering thread
     * @param owner what the listeners listen to, for the log line when one fails (e.g. {@code "cluster main"})
     */
    public Listeners(String threadName, String owner) {
        this.owner = owner;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name(threadName).factory());
    }

    /**
     * Adds a listener.
     *
     * @param listener receives every later event
     * @return a handle that removes it
     */
    public Subscription add(Consumer<? super E> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Adds listeners.
     *
     * @param all the listeners
     */
    public void addAll(Collection<? extends Consumer<? super E>> all) {
        listeners.addAll(all);
    }

    /**
     * Delivers an event to every listener, later, on the delivering thread.
     *
     * @param event the event
     */
    public void emit(E event) {
        try {
            thread.execute(() -> {
                for (Consumer<? super E> listener : listeners) {
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A listener of " + owner + " failed on " + event, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down: the owner is closed and sends no more events
        }
    }

    /** Delivers the events already emitted, then stops; later events are dropped. */
    public void shutdown() {
        thread.shutdown();
    }
}
