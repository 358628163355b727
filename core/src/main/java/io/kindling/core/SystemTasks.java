package io.kindling.core;

import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * {@return a task that returns the nodes the running node is connected to, sorted, each with the attributes it
     * sent in the handshake (its application version is {@code kindling.app.version})}
     */
    public static RemoteCallable<Map<NodeName, NodeAttributes>> connectedNodeAttributes() {
        return new ConnectedNodeAttributes();
    }

    private record ConnectedNodeAttributes() implements RemoteCallable<Map<NodeName, NodeAttributes>> {
        @Override
        public Map<NodeName, NodeAttributes> call() {
            KindlingNode node = KindlingNode.current().map(KindlingNode.class::cast).orElseThrow(
                    () -> new IllegalStateException("connectedNodeAttributes() runs only as a remote task"));
            Map<NodeName, NodeAttributes> attributes = new LinkedHashMap<>();
            for (NodeName peer : new TreeSet<>(node.connectedNodes())) {
                node.attributesOf(peer).ifPresent(values -> attributes.put(peer, values));
            }
            return attributes;
        }
    }

    private record ConnectedNodes() implements RemoteCallable<Set<NodeName>> {
        @Override
        public Set<NodeName> call() {
            return new TreeSet<>(KindlingNode.current().orElseThrow(() -> new IllegalStateException(
                    "connectedNodes() runs only as a remote task")).connectedNodes());
        }
    }
}
