package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.RunnerBoot}: A pool booting a runner, from asking the backend to the runner being connected.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.RunnerBoot")
@Label("Runner Boot")
@Category({"Kindling", "Pools"})
@Description("A pool booting a runner, from asking the backend to the runner being connected.")
@StackTrace(false)
public final class RunnerBootEvent extends Event {

    /** The pool. */
    @Label("Pool")
    public String pool;

    /** The runner's name. */
    @Label("Runner")
    public String runner;

    /** OK, or why it failed. */
    @Label("Outcome")
    public String outcome;

    /** The boot's phases, as the backend reported them, with the milliseconds at which each was reached. */
    @Label("Phases")
    public String phases;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(RunnerBootEvent.class);
    }
}
