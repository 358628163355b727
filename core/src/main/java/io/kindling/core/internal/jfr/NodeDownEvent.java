package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.NodeDown}: A connected node went down.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.NodeDown")
@Label("Node Down")
@Category({"Kindling", "Connections"})
@Description("A connected node went down.")
@StackTrace(false)
public final class NodeDownEvent extends Event {

    /** The node. */
    @Label("Peer")
    public String peer;

    /** Why. */
    @Label("Reason")
    public String reason;

    /** Whether either side meant it (a close, a disconnect): false for a crash, a lost network, a timeout. */
    @Label("On Purpose")
    public boolean onPurpose;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(NodeDownEvent.class);
    }
}
