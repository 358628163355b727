package io.kindling.api;

import java.util.Objects;

/**
 * Chooses nodes by their name and the attributes they announced in the handshake (Hazelcast's
 * {@code MemberSelector}, Ignite's {@code forAttribute}): for calls to one, any or all nodes that match. Attributes
 * Kindling sets: {@code kindling.app.version}, and with region RPC {@code kindling.region}.
 */
@FunctionalInterface
public interface NodeSelector {

    /**
     * Whether a node is chosen.
     *
     * @param node its name
     * @param attributes what it announced
     * @return whether it is chosen
     */
    boolean selects(NodeName node, NodeAttributes attributes);

    /** {@return a selector that chooses every node} */
    static NodeSelector all() {
        return (node, attributes) -> true;
    }

    /**
     * {@return a selector of the nodes whose attribute has this value}
     *
     * @param key the attribute
     * @param value its value
     */
    static NodeSelector attribute(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return (node, attributes) -> attributes.get(key).filter(value::equals).isPresent();
    }

    /**
     * {@return a selector of the nodes that run this application version ({@code kindling.app.version})}
     *
     * @param version the version
     */
    static NodeSelector appVersion(String version) {
        return attribute("kindling.app.version", version);
    }

    /**
     * {@return a selector of the nodes of a region ({@code kindling.region}, announced by region RPC)}
     *
     * @param region the region
     */
    static NodeSelector region(String region) {
        return attribute("kindling.region", region);
    }

    /**
     * {@return a selector of the nodes both choose}
     *
     * @param other another selector
     */
    default NodeSelector and(NodeSelector other) {
        Objects.requireNonNull(other, "other");
        return (node, attributes) -> selects(node, attributes) && other.selects(node, attributes);
    }
}
