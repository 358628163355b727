package io.kindling.core;

import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tasks every Kindling node can run, because their classes are in core: use them to ask a node about itself
 * without shipping application classes to it.
 */
public final class SystemTasks {

    private SystemTasks() {
    }

    /** {@return a task that returns the nodes the running node is connected to} */
    public static RemoteCallable<Set<NodeName>> connectedNodes() {
        return new ConnectedNodes();
    }

    private record ConnectedNodes() implements RemoteCallable<Set<NodeName>> {
        @Override
        public Set<NodeName> call() {
            return new TreeSet<>(KindlingNode.current().orElseThrow(() -> new IllegalStateException(
                    "connectedNodes() runs only as a remote task")).connectedNodes());
        }
    }
}
