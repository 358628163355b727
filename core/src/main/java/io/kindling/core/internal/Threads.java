package io.kindling.core.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executors and thread factories Kindling's long-lived objects (nodes, clusters, pools) run on.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Threads {

    private Threads() {
    }

    /**
     * A timer: one daemon platform thread; cancelled tasks leave its queue at once.
     *
     * @param name the thread's name
     * @return the timer
     */
    public static ScheduledThreadPoolExecutor timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name(name).factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * Daemon platform threads named {@code prefix0}, {@code prefix1}, and so on. The JDK's numbering builder
     * ({@code Thread.ofPlatform().name(prefix, 0)}) counts with a {@code VarHandle}, whose first use spins method
     * handle classes: several milliseconds in a fresh runner JVM, on its way to its first connection.
     *
     * @param prefix the names' prefix
     * @return the factory
     */
    public static ThreadFactory numberedDaemons(String prefix) {
        AtomicLong next = new AtomicLong();
        return task -> Thread.ofPlatform().daemon().name(prefix + next.getAndIncrement()).unstarted(task);
    }
}
