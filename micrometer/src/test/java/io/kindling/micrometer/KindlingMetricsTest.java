package io.kindling.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import io.kindling.api.RemoteExecutionException;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The binding against Micrometer's own registries, over real calls between real nodes. */
class KindlingMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Closer closer = new Closer();

    private KindlingNode node(String name) {
        return closer.add(KindlingNode.builder().name(name + "@127.0.0.1").cookie("micrometer-test").start());
    }

    @Test
    void aSimpleRegistryReadsCallsBytesRoundTripsPeersAndPools() throws InterruptedException {
        KindlingNode caller = node("mm-a");
        KindlingNode callee = node("mm-b");
        NodeName peer = caller.connect(callee.address());
        for (int i = 0; i < 5; i++) {
            caller.call(peer, () -> 1, WAIT);
        }
        assertThrows(RemoteExecutionException.class, () -> caller.call(peer, () -> {
            throw new IllegalStateException("no");
        }, WAIT));
        Pool pool = closer.add(Pool.builder(caller).name("mm-pool").max(1).start());
        pool.call(() -> 2);

        MeterRegistry registry = new SimpleMeterRegistry();
        new KindlingMetrics(caller::metrics, Duration.ofMillis(1)).bindTo(registry);
        assertEquals(6, registry.get("kindling.calls").tags("node", "mm-a@127.0.0.1", "direction", "out",
                "outcome", "ok").functionCounter().count(), 0.0, "5 to mm-b, 1 to the pool's runner");
        assertEquals(1, registry.get("kindling.calls").tags("direction", "out", "outcome", "failed")
                .functionCounter().count(), 0.0);
        assertTrue(registry.get("kindling.calls.roundtrip").tags("phi", "0.5").timeGauge()
                .value(TimeUnit.MICROSECONDS) > 0);
        assertTrue(registry.get("kindling.bytes").tags("direction", "out").functionCounter().count() > 0);
        assertEquals(2, registry.get("kindling.connections").gauge().value(), 0.0, "the callee and the runner");
        assertEquals(5, registry.get("kindling.peer.calls").tags("peer", "mm-b@127.0.0.1", "direction", "out",
                "outcome", "ok").functionCounter().count(), 0.0);
        assertEquals(1, registry.get("kindling.pool.runners").tags("pool", "mm-pool", "state", "up").gauge().value(),
                0.0);
        assertEquals(1, registry.get("kindling.pool.boots").tags("pool", "mm-pool", "outcome", "ok")
                .functionCounter().count(), 0.0);

        caller.disconnect(peer);
        Await.until("the peer's meters go with it", WAIT, () -> {
            registry.get("kindling.connections").gauge().value(); // a read aligns the per-peer meters
            return registry.find("kindling.peer.calls").tags("peer", "mm-b@127.0.0.1").meters().isEmpty();
        });
    }

    @Test
    void theMetersKeepReportingWhenTheCallerDropsTheBinder() {
        KindlingNode caller = node("mm-e");
        KindlingNode callee = node("mm-f");
        caller.call(caller.connect(callee.address()), () -> 1, WAIT);
        MeterRegistry registry = new SimpleMeterRegistry();
        new KindlingMetrics(caller::metrics).bindTo(registry); // no reference kept, as users write it
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertEquals(1, registry.get("kindling.calls").tags("direction", "out", "outcome", "ok").functionCounter()
                .count(), 0.0, "Micrometer holds function meters' objects weakly: the binder must stay reachable");
    }

    @Test
    void prometheusTextHasConventionalNamesAndTags() {
        KindlingNode caller = node("mm-c");
        KindlingNode callee = node("mm-d");
        NodeName peer = caller.connect(callee.address());
        for (int i = 0; i < 3; i++) {
            caller.call(peer, () -> 1, WAIT);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new KindlingMetrics(caller::metrics).bindTo(registry);
        String text = registry.scrape();
        assertTrue(text.contains("kindling_calls_total{direction=\"out\",node=\"mm-c@127.0.0.1\",outcome=\"ok\"} 3"),
                text);
        assertTrue(text.contains("# TYPE kindling_calls_roundtrip_seconds gauge"), text);
        assertTrue(text.contains("kindling_bytes_total{direction=\"in\",node=\"mm-c@127.0.0.1\"}"), text);
        assertTrue(text.contains("kindling_connections{node=\"mm-c@127.0.0.1\"} 1"), text);
    }
}
