package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NoMatchingNodeException;
import io.kindling.api.NodeName;
import io.kindling.api.NodeSelector;
import io.kindling.api.RemoteExecutionException;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Calls and casts on the nodes a selector chooses by their attributes, over real connections. */
class SelectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    static final Set<String> CAST_RAN = ConcurrentHashMap.newKeySet();

    @RegisterExtension
    final Closer closer = new Closer();

    private KindlingNode node(String name, String role) {
        return closer.add(KindlingNode.builder().name(name + "@127.0.0.1").cookie("selection-test")
                .attribute("role", role).start());
    }

    private static String here() {
        return KindlingNode.current().orElseThrow().name().name();
    }

    @Test
    void anyAllAndCastFollowTheAttributesWithAnOutcomePerNode() throws InterruptedException {
        KindlingNode api = node("sel-api", "api");
        KindlingNode w1 = node("sel-w1", "worker");
        KindlingNode w2 = node("sel-w2", "worker");
        api.connect(w1.address());
        api.connect(w2.address());
        Selection workers = Selection.of(api, NodeSelector.attribute("role", "worker"));
        assertEquals(Set.of(w1.name(), w2.name()), workers.nodes());

        Set<String> landed = new HashSet<>();
        for (int i = 0; i < 100 && landed.size() < 2; i++) {
            landed.add(workers.callAny(SelectionTest::here, WAIT));
        }
        assertEquals(Set.of("sel-w1", "sel-w2"), landed, "any worker, never the api node");

        Map<NodeName, Selection.Outcome<String>> all = workers.callAll(() -> {
            if (here().equals("sel-w2")) {
                throw new IllegalStateException("w2 refuses");
            }
            return here();
        }, WAIT);
        assertEquals(new Selection.Outcome.Ok<>("sel-w1"), all.get(w1.name()));
        Selection.Outcome.Failed<String> failed = assertInstanceOf(Selection.Outcome.Failed.class, all.get(w2.name()));
        assertInstanceOf(RemoteExecutionException.class, failed.error());
        assertEquals("w2 refuses", failed.error().getCause().getMessage());

        assertEquals(Set.of(w1.name(), w2.name()), workers.castAll(() -> CAST_RAN.add(here())));
        Await.until("the cast ran on both workers", WAIT, () -> CAST_RAN.containsAll(Set.of("sel-w1", "sel-w2")));
        assertTrue(!CAST_RAN.contains("sel-api"));

        Selection self = Selection.of(api, NodeSelector.attribute("role", "api"));
        assertEquals("sel-api", self.callAny(SelectionTest::here, WAIT), "the calling node counts too");

        Selection none = Selection.of(api, NodeSelector.attribute("role", "db"));
        NoMatchingNodeException nobody = assertThrows(NoMatchingNodeException.class,
                () -> none.callAny(SelectionTest::here, WAIT));
        assertTrue(nobody.getMessage().contains("sel-w1@127.0.0.1"), nobody.getMessage());
        assertTrue(none.callAll(SelectionTest::here, WAIT).isEmpty());
        assertEquals(Set.of(w1.name()), Selection.of(api, NodeSelector.attribute("role", "worker")
                .and((name, attributes) -> name.name().endsWith("1"))).nodes());
    }
}
