package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.PoolQueueWait}: A pool call's wait for room on a runner, from its arrival to its placement.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.PoolQueueWait")
@Label("Pool Queue Wait")
@Category({"Kindling", "Pools"})
@Description("A pool call's wait for room on a runner, from its arrival to its placement.")
@StackTrace(false)
public final class PoolQueueWaitEvent extends Event {

    /** The pool. */
    @Label("Pool")
    public String pool;

    /** The runner it was placed on. */
    @Label("Runner")
    public String runner;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(PoolQueueWaitEvent.class);
    }
}
