package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;

/**
 * What the two call events share: the other node, the task's class, the CALL frame's size and the outcome.
 *
 * <p>Internal: not part of Kindling's API.
 */
@Category({"Kindling", "Calls"})
@StackTrace(false)
public abstract class CallEvent extends Event {

    /** The other node: called, or calling. */
    @Label("Peer")
    public String peer;

    /** The task's class; empty when it could not be decoded. */
    @Label("Task Class")
    public String taskClass;

    /** The CALL frame's size. */
    @Label("Request Size")
    @DataAmount
    public long requestBytes;

    /** OK, FAILED, TIMED_OUT, REFUSED, NODE_DOWN or CANCELLED. */
    @Label("Outcome")
    public String outcome;

    /** For the two events. */
    protected CallEvent() {
    }
}
