package io.kindling.core.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event {@code kindling.CallOut}: A call this node made, from sending it to its outcome. Its fields are {@link CallEvent}'s.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.CallOut")
@Label("Call Out")
@Description("A call this node made, from sending it to its outcome.")
public final class CallOutEvent extends CallEvent {

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(CallOutEvent.class);
    }
}
