package io.kindling.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Distribution and movement of {@link KeyRouter}, measured over 100,000 keys. */
class KeyRouterTest {

    private static final int KEYS = 100_000;

    private static List<NodeName> nodes(int count) {
        List<NodeName> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(NodeName.of("kv" + i, "10.0.0." + (i + 1)));
        }
        return nodes;
    }

    private static Map<String, NodeName> routeAll(List<NodeName> members) {
        KeyRouter router = KeyRouter.over(() -> members);
        Map<String, NodeName> routes = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            routes.put("bucket-" + i, router.route("bucket-" + i));
        }
        return routes;
    }

    @Test
    void keysSpreadEvenlyOverTheNodes() {
        List<NodeName> members = nodes(5);
        Map<NodeName, Integer> counts = new HashMap<>();
        routeAll(members).values().forEach(node -> counts.merge(node, 1, Integer::sum));
        System.out.println("key router, 100,000 keys over 5 nodes: " + counts.values());
        for (NodeName node : members) {
            int count = counts.getOrDefault(node, 0);
            assertTrue(Math.abs(count - KEYS / 5) < KEYS / 5 * 0.05, node + " got " + count + " keys");
        }
    }

    @Test
    void aJoiningNodeTakesAboutOneNthAndOnlyFromTheOthers() {
        List<NodeName> five = nodes(5);
        List<NodeName> six = nodes(6);
        Map<String, NodeName> before = routeAll(five);
        Map<String, NodeName> after = routeAll(six);
        int moved = 0;
        for (Map.Entry<String, NodeName> route : before.entrySet()) {
            NodeName now = after.get(route.getKey());
            if (!now.equals(route.getValue())) {
                moved++;
                assertEquals(six.get(5), now, "a key moved, but not to the new node");
            }
        }
        System.out.printf("key router, a 6th node joins: %.1f%% of keys moved (ideal 16.7%%)%n", 100.0 * moved / KEYS);
        assertTrue(Math.abs(moved - KEYS / 6) < KEYS / 6 * 0.05, moved + " keys moved");
    }

    @Test
    void aLeavingNodeMovesOnlyItsOwnKeys() {
        List<NodeName> five = nodes(5);
        List<NodeName> four = new ArrayList<>(five);
        NodeName gone = four.remove(2);
        Map<String, NodeName> before = routeAll(five);
        Map<String, NodeName> after = routeAll(four);
        int moved = 0;
        for (Map.Entry<String, NodeName> route : before.entrySet()) {
            if (!after.get(route.getKey()).equals(route.getValue())) {
                moved++;
                assertEquals(gone, route.getValue(), "a key of a node that stayed moved");
            }
        }
        System.out.printf("key router, 1 of 5 nodes leaves: %.1f%% of keys moved (ideal 20.0%%)%n",
                100.0 * moved / KEYS);
        assertTrue(Math.abs(moved - KEYS / 5) < KEYS / 5 * 0.05, moved + " keys moved");
    }

    @Test
    void everyRouterWithTheSameMembersAgreesWhateverTheirOrder() {
        List<NodeName> members = nodes(4);
        List<NodeName> reversed = new ArrayList<>(members);
        java.util.Collections.reverse(reversed);
        assertEquals(routeAll(members), routeAll(reversed));
    }

    @Test
    void anEmptyMembershipIsAClearError() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> KeyRouter.over(List::of).route("x"));
        assertTrue(error.getMessage().contains("membership is empty"), error.getMessage());
    }
}
