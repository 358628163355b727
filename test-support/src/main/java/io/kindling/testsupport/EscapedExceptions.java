package io.kindling.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects what escapes any thread of this JVM (the default uncaught-exception handler) while a test runs, for a
 * test that hands a node hostile input and must see nothing escape its threads. {@link #close()} puts the previous
 * handler back.
 */
public final class EscapedExceptions implements AutoCloseable {

    private final Thread.UncaughtExceptionHandler previous;
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();

    private EscapedExceptions() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> escaped.add(e));
    }

    /** {@return a collector, installed as the default uncaught-exception handler until closed} */
    public static EscapedExceptions capture() {
        return new EscapedExceptions();
    }

    /** {@return what escaped so far, oldest first} */
    public List<Throwable> escaped() {
        return List.copyOf(escaped);
    }

    /** Puts the previous default handler back. */
    @Override
    public void close() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
