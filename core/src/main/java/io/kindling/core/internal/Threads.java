package io.kindling.core.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The executors Kindling's long-lived objects (nodes, clusters, pools) run their timers on.
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
}
