package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.ClusterRefresh}: One refresh of a cluster: discovery, then connecting what it found.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.ClusterRefresh")
@Label("Cluster Refresh")
@Category({"Kindling", "Clusters"})
@Description("One refresh of a cluster: discovery, then connecting what it found.")
@StackTrace(false)
public final class ClusterRefreshEvent extends Event {

    /** The cluster's name. */
    @Label("Cluster")
    public String cluster;

    /** The discovery strategy's name. */
    @Label("Strategy")
    public String strategy;

    /** ok, partial or failed, and what happened. */
    @Label("Outcome")
    public String outcome;

    /** How many nodes the strategy found. */
    @Label("Nodes")
    public int nodes;

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(ClusterRefreshEvent.class);
    }
}
