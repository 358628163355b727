package io.kindling.core;

import io.kindling.api.NodeName;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a running node says about itself ({@link SystemTasks#info()}; {@code kindling info NODE}).
 *
 * @param name the node's name
 * @param kindlingVersion the version of Kindling it runs ({@code "unknown"} when its jar carries none)
 * @param appVersion the application version it announces ({@code kindling.app.version}); empty when none
 * @param uptimeMillis milliseconds since the node started
 * @param attributes the attributes it announces in handshakes
 * @param connections the nodes it is connected to, sorted, each with the application version that node announced
 *     (empty when none)
 * @param pools the pools whose parent it is, in the order they started
 */
public record NodeInfo(NodeName name, String kindlingVersion, String appVersion, long uptimeMillis,
        Map<String, String> attributes, Map<NodeName, String> connections, List<PoolInfo> pools)
        implements Serializable {

    /** Copies the collections; nothing is null. */
    public NodeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kindlingVersion, "kindlingVersion");
        Objects.requireNonNull(appVersion, "appVersion");
        attributes = Map.copyOf(attributes);
        connections = Map.copyOf(connections);
        pools = List.copyOf(pools);
    }

    /**
     * One pool of the node, at the moment it was asked.
     *
     * @param name the pool's name
     * @param runners the runners up
     * @param booting how many runners are booting
     * @param queued how many calls wait for room
     */
    public record PoolInfo(String name, List<NodeName> runners, int booting, int queued) implements Serializable {

        /** Copies the list. */
        public PoolInfo {
            Objects.requireNonNull(name, "name");
            runners = List.copyOf(runners);
        }
    }
}
