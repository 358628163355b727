package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.NodeUp}: A node connected and authenticated.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.NodeUp")
@Label("Node Up")
@Category({"Kindling", "Connections"})
@Description("A node connected and authenticated.")
@StackTrace(false)
public final class NodeUpEvent extends Event {

    /** The node. */
    @Label("Peer")
    public String peer;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(NodeUpEvent.class);
    }
}
