package io.kindling.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private static final NodeName FOO = NodeName.parse("foo@127.0.0.1");
    private static final NodeName BAR = NodeName.parse("bar@127.0.0.1");

    @Test
    void theGuidesTableRoutesByFirstLetter() {
        RoutingTable table = RoutingTable.parse("a-m:foo@127.0.0.1, n-z:bar@127.0.0.1");
        assertEquals(FOO, table.route("apple"));
        assertEquals(FOO, table.route("Mango"));
        assertEquals(BAR, table.route("shopping"));
        assertEquals(BAR, table.route("z"));
        assertEquals("a-m:foo@127.0.0.1,n-z:bar@127.0.0.1", table.toString());
    }

    @Test
    void aSingleCharacterIsARangeOfOne() {
        assertEquals(BAR, RoutingTable.parse("q:bar@127.0.0.1,a-p:foo@127.0.0.1").route("quince"));
    }

    @Test
    void aBucketNoRangeCoversIsAnErrorNamingTheTable() {
        RoutingTable table = RoutingTable.parse("a-m:foo@127.0.0.1");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> table.route("zebra"));
        assertTrue(error.getMessage().contains("starts with 'z'") && error.getMessage().contains("a-m:foo@127.0.0.1"),
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.route(""));
    }

    @Test
    void malformedTablesSayWhatIsWrong() {
        assertMessage("a-m foo@127.0.0.1", "no ':'");
        assertMessage("abc:foo@127.0.0.1", "is not one character");
        assertMessage("m-a:foo@127.0.0.1", "runs backwards");
        assertMessage("a-m:foo", "a-m:foo");
        assertMessage("a-m:foo@127.0.0.1,k-z:bar@127.0.0.1", "overlaps a-m:foo@127.0.0.1");
        assertMessage(" , ", "empty");
    }

    private static void assertMessage(String table, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RoutingTable.parse(table));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
