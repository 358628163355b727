package io.kindling.core.internal;

import io.kindling.api.KindlingException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Blocking on a future, with one mapping of its outcomes: the result; the cause of a failure, unwrapped (a
 * {@link KindlingException} as it is, anything else wrapped in one); an interrupt cancels the future, keeps the
 * thread's interrupt flag and throws; a timeout cancels the future and throws the caller's exception.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Futures {

    /**
     * How much longer than its own timeout a caller waits on a future that has a timer of its own: the bound only
     * guards against a lost completion.
     */
    public static final Duration SAFETY_MARGIN = Duration.ofSeconds(2);

    private Futures() {
    }

    /**
     * Waits for a future.
     *
     * @param future the future
     * @param timeout how long to wait
     * @param what what is awaited, for messages: {@code "Call to a@h"}
     * @param onTimeout the exception to throw when the wait times out
     * @param <T> the result type
     * @return the result
     * @throws KindlingException the failure, interrupt or cancellation, as described above
     */
    public static <T> T await(Future<T> future, Duration timeout, String what,
            Supplier<? extends RuntimeException> onTimeout) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw onTimeout.get();
        } catch (InterruptedException | ExecutionException | CancellationException e) {
            throw failure(future, what, e);
        }
    }

    /** The one mapping of a wait's interrupt, failure or cancellation; an interrupt cancels and is kept. */
    private static KindlingException failure(Future<?> future, String what, Exception e) {
        if (e instanceof InterruptedException) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new KindlingException(what + " interrupted", e);
        }
        if (e instanceof CancellationException) {
            return new KindlingException(what + " was cancelled", e);
        }
        Throwable cause = unwrap(e);
        return cause instanceof KindlingException k ? k : new KindlingException(what + " failed: " + cause, cause);
    }

    /**
     * Waits for a future that completes by its own timer within {@code timeout}: waits that plus
     * {@link #SAFETY_MARGIN}; a {@link Deadlined} one, as long as it takes.
     *
     * @param future the future
     * @param timeout the future's own timeout
     * @param what what is awaited, for messages
     * @param onTimeout the exception to throw when even the margin ran out
     * @param <T> the result type
     * @return the result
     */
    public static <T> T awaitTimed(CompletableFuture<T> future, Duration timeout, String what,
            Supplier<? extends RuntimeException> onTimeout) {
        if (future instanceof Deadlined) {
            return awaitDeadlined(future, what);
        }
        return await(future, timeout.plus(SAFETY_MARGIN), what, onTimeout);
    }

    /**
     * A future its producer completes by a deadline of its own, and fails when what it waits on goes away (a call
     * on a connection: the connection's expiry sweep, and closing the connection): waiting on it needs no timer.
     */
    public interface Deadlined {
    }

    /**
     * Waits for a {@link Deadlined} future without a timer of its own, which on a virtual thread saves scheduling
     * and cancelling one per call.
     */
    private static <T> T awaitDeadlined(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException | ExecutionException | CancellationException e) {
            throw failure(future, what, e);
        }
    }

    /**
     * {@return the cause behind {@link ExecutionException} and {@link CompletionException} wrappers}
     *
     * @param e the exception
     */
    public static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
