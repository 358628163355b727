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
 * JFR event {@code kindling.CallIn}: A call a peer made to this node, from its decoding to its answer.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.CallIn")
@Label("Call In")
@Category({"Kindling", "Calls"})
@Description("A call a peer made to this node, from its decoding to its answer.")
@StackTrace(false)
public final class CallInEvent extends Event {

    private static final EventType TYPE = EventType.getEventType(CallInEvent.class);

    /** The calling node. */
    @Label("Peer")
    public String peer;

    /** The task's class; empty when it could not be decoded. */
    @Label("Task Class")
    public String taskClass;

    /** The CALL frame's size. */
    @Label("Request Size")
    @DataAmount
    public long requestBytes;

    /** OK, FAILED, REFUSED or CANCELLED. */
    @Label("Outcome")
    public String outcome;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return TYPE.isEnabled();
    }
}
