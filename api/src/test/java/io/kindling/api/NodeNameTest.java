package io.kindling.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeNameTest {

    @Test
    void parsesNameAtHost() {
        NodeName name = NodeName.parse("app@10.0.0.7");
        assertEquals("app", name.name());
        assertEquals("10.0.0.7", name.host());
        assertEquals("app@10.0.0.7", name.toString());
        assertEquals("::1", NodeName.parse("app@::1").host());
    }

    @Test
    void rejectsMalformedNamesWithClearMessages() {
        assertMessage("@", "empty name part");
        assertMessage("app@", "empty host part");
        assertMessage("@host", "empty name part");
        assertMessage("apphost", "has no '@'");
        assertMessage("a@b@c", "more than one '@'");
        assertMessage("my app@host", "white space in its name part");
        assertMessage("app@my host", "white space in its host part");
        assertMessage("a".repeat(251) + "@host", "the limit is 255");
        assertMessage("app!@host", "the character '!'");
    }

    @Test
    void addressesParseWithPortsAndBracketedIpv6() {
        NodeAddress address = NodeAddress.parse("app@127.0.0.1:4370");
        assertEquals(NodeName.parse("app@127.0.0.1"), address.name());
        assertEquals(4370, address.port());
        assertEquals("app@127.0.0.1:4370", address.toString());
        NodeAddress v6 = NodeAddress.parse("app@[::1]:4370");
        assertEquals("::1", v6.host());
        assertEquals("app@[::1]:4370", v6.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse("app@host"))
                .getMessage().contains("no port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse("app@host:x"))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse("app@host:70000"))
                .getMessage().contains("between 1 and 65535"));
    }

    @Test
    void attributesAreValidated() {
        assertEquals("fra", NodeAttributes.empty().with("region", "fra").get("region").orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> NodeAttributes.empty().with("bad key", "x"));
        assertThrows(IllegalArgumentException.class, () -> NodeAttributes.empty().with("k", "x".repeat(2000)));
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeName.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
