package io.kindling.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the key-value example's two parsers. {@link #textProtocol}: any bytes a client sends to a real node's
 * server get one reply per line, each ending in CRLF, and the connection closes within 5 s of the client's end;
 * the node serves the next client. {@link #routingTable}: a routing table either parses, and prints to a table that
 * parses to itself, or is refused with an {@link IllegalArgumentException}. Seeds: the guide's session, bad lines
 * from {@code KvServerTest}, and the tables of the README and the tests.
 */
class KvProtocolFuzzTest {

    private static KvMain.Kv kv;

    @BeforeAll
    static void start() throws IOException {
        kv = KvMain.start("fuzz", Map.of(), "kv.port=0", "kindling.cookie=kv-fuzz-cookie-3Hq8Zt1mWv6Yc2Ld");
    }

    @AfterAll
    static void stop() throws Exception {
        kv.close();
    }

    @FuzzTest(maxDuration = "10m")
    void textProtocol(byte[] request) throws IOException {
        String replies;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), kv.server().port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            try {
                replies = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close the connection 5 s after the client's end");
            }
        }
        assertTrue(replies.isEmpty() || replies.endsWith("\r\n"), "a reply ends with CRLF: " + replies);
        try (Socket next = new Socket(InetAddress.getLoopbackAddress(), kv.server().port())) {
            next.setSoTimeout(5000);
            next.getOutputStream().write("GET fuzz-absent key\n".getBytes(StandardCharsets.UTF_8));
            next.shutdownOutput();
            assertEquals("NOT FOUND\r\n", new String(next.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    "the next client is served");
        }
    }

    @FuzzTest(maxDuration = "10m")
    void routingTable(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        RoutingTable table;
        try {
            table = RoutingTable.parse(text);
        } catch (IllegalArgumentException refused) {
            return; // the documented refusal
        }
        assertEquals(table, RoutingTable.parse(table.toString()), "a parsed table prints to itself");
    }
}
