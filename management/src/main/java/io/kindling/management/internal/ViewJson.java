package io.kindling.management.internal;

import io.kindling.api.NodeName;
import io.kindling.api.metrics.CallCounts;
import io.kindling.api.metrics.NodeMetrics;
import io.kindling.api.metrics.PoolMetrics;
import io.kindling.core.ClusterView;
import io.kindling.core.NodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterView} as the JSON of {@code /cluster}: nodes with their versions, attributes, connections, pools
 * and metrics; runners marked with their pool.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class ViewJson {

    /** The attribute a runner carries: the name of its pool. */
    static final String RUNNER_POOL = "kindling.runner.pool";

    private ViewJson() {
    }

    /**
     * {@return the view as maps and lists for {@link Json#write}}
     *
     * @param view the view
     * @param hidden names left out of the graph (the command line's own client node)
     */
    public static Map<String, Object> of(ClusterView view, java.util.function.Predicate<NodeName> hidden) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("root", view.root());
        json.put("time", System.currentTimeMillis());
        List<Object> nodes = new ArrayList<>();
        for (ClusterView.NodeView node : view.nodes()) {
            if (!hidden.test(node.info().name())) {
                nodes.add(node(node.info(), node.metrics(), hidden));
            }
        }
        json.put("nodes", nodes);
        Map<String, Object> unanswered = new LinkedHashMap<>();
        view.unanswered().forEach((name, why) -> unanswered.put(name.toString(), why));
        json.put("unanswered", unanswered);
        return json;
    }

    private static Map<String, Object> node(NodeInfo info, NodeMetrics metrics,
            java.util.function.Predicate<NodeName> hidden) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", info.name());
        node.put("kindlingVersion", info.kindlingVersion());
        node.put("appVersion", info.appVersion().isEmpty() ? null : info.appVersion());
        node.put("uptimeMillis", info.uptimeMillis());
        node.put("runnerOf", info.attributes().get(RUNNER_POOL));
        node.put("attributes", info.attributes());
        node.put("connections", info.connections().keySet().stream().filter(n -> !hidden.test(n))
                .map(NodeName::toString).sorted().toList());
        List<Object> pools = new ArrayList<>();
        for (NodeInfo.PoolInfo pool : info.pools()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", pool.name());
            entry.put("runners", pool.runners().stream().map(NodeName::toString).toList());
            entry.put("booting", pool.booting());
            entry.put("queued", pool.queued());
            metrics.pools().stream().filter(p -> p.name().equals(pool.name())).findFirst()
                    .ifPresent(p -> entry.put("busy", p.busy()));
            pools.add(entry);
        }
        node.put("pools", pools);
        node.put("metrics", metrics(metrics));
        return node;
    }

    private static Map<String, Object> metrics(NodeMetrics metrics) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("callsOut", counts(metrics.callsOut()));
        json.put("callsIn", counts(metrics.callsIn()));
        json.put("p50Micros", metrics.latency().p50Micros());
        json.put("p99Micros", metrics.latency().p99Micros());
        json.put("bytesIn", metrics.bytesIn());
        json.put("bytesOut", metrics.bytesOut());
        json.put("tasksRunning", metrics.tasksRunning());
        json.put("pools", metrics.pools().stream().map(ViewJson::pool).toList());
        return json;
    }

    private static Map<String, Object> counts(CallCounts counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", counts.total());
        json.put("ok", counts.ok());
        json.put("failed", counts.failed());
        json.put("timedOut", counts.timedOut());
        json.put("refused", counts.refused());
        json.put("nodeDown", counts.nodeDown());
        json.put("cancelled", counts.cancelled());
        return json;
    }

    private static Map<String, Object> pool(PoolMetrics pool) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", pool.name());
        json.put("runners", pool.runners());
        json.put("booting", pool.booting());
        json.put("busy", pool.busy());
        json.put("queued", pool.queued());
        json.put("boots", pool.boots());
        json.put("bootFailures", pool.bootFailures());
        return json;
    }
}
