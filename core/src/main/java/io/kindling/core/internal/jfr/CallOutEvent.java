package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.CallOut}: A call this node made, from sending it to its outcome.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.CallOut")
@Label("Call Out")
@Category({"Kindling", "Calls"})
@Description("A call this node made, from sending it to its outcome.")
@StackTrace(false)
public final class CallOutEvent extends Event {

    private static final EventType TYPE = EventType.getEventType(CallOutEvent.class);

    /** The called node. */
    @Label("Peer")
    public String peer;

    /** The task's class. */
    @Label("Task Class")
    public String taskClass;

    /** The CALL frame's size. */
    @Label("Request Size")
    @DataAmount
    public long requestBytes;

    /** OK, FAILED, TIMED_OUT, REFUSED, NODE_DOWN or CANCELLED. */
    @Label("Outcome")
    public String outcome;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return TYPE.isEnabled();
    }
}
