package io.kindling.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Closer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The text protocol on one node, every bucket local, through real sockets. */
class KvServerTest {

    private static final String COOKIE = "kv-test-cookie-6Fq2Lm9xZ3vB8nR1";

    @RegisterExtension
    final Closer closer = new Closer();

    private KvMain.Kv start(String name, String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("kv.port=0", "kindling.cookie=" + COOKIE));
        all.addAll(List.of(settings));
        return closer.add(KvMain.start(name, Map.of(), all.toArray(new String[0])));
    }

    @Test
    void theGuidesSession() throws Exception {
        KvMain.Kv kv = start("session");
        try (KvClient client = new KvClient(kv.server().port())) {
            assertEquals("OK", client.request("CREATE shopping"));
            assertEquals("OK", client.request("PUT shopping milk 1"));
            assertEquals("1\nOK", client.request("GET shopping milk"));
            assertEquals("OK", client.request("DELETE shopping milk"));
            assertEquals("\nOK", client.request("GET shopping milk"), "an absent key reads as empty, as in the guide");
            assertEquals("NOT FOUND", client.request("GET nothing milk"));
            assertEquals("NOT FOUND", client.request("PUT nothing milk 1"));
            assertEquals("OK", client.request("PUT shopping note buy two, not three"));
            assertEquals("buy two, not three\nOK", client.request("GET shopping note"));
        }
    }

    @Test
    void badInputGetsAnErrorLineAndTheConnectionStaysOpen() throws Exception {
        KvMain.Kv kv = start("bad-input");
        try (KvClient client = new KvClient(kv.server().port())) {
            assertEquals("OK", client.request("CREATE b"));
            assertEquals("UNKNOWN COMMAND", client.request("FLY b"));
            assertEquals("UNKNOWN COMMAND", client.request(""));
            assertEquals("ERROR missing arguments; usage: PUT bucket key value", client.request("PUT b k"));
            assertEquals("ERROR missing arguments; usage: GET bucket key", client.request("GET b"));
            String overlong = client.request("PUT b k " + "x".repeat(100_000));
            assertEquals("ERROR the line is longer than " + KvServer.MAX_LINE + " bytes", overlong);
            byte[] latin1 = "GET b caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
            assertEquals("ERROR the line is not UTF-8", client.requestBytes(latin1));
            assertEquals("OK", client.request("PUT b k v"), "the connection still serves");
            assertEquals("v\nOK", client.request("GET b k"));
        }
    }

    @Test
    void aBucketOutsideTheTableIsAnErrorNamingTheTable() throws Exception {
        KvMain.Kv kv = start("table", "kv.routing-table=a-m:table@127.0.0.1");
        try (KvClient client = new KvClient(kv.server().port())) {
            assertEquals("OK", client.request("CREATE apples"));
            String error = client.request("CREATE zebra");
            assertTrue(error.startsWith("ERROR Bucket 'zebra' starts with 'z'") && error.contains("a-m:table@127.0.0.1"),
                    error);
            assertEquals("OK", client.request("PUT apples x 1"));
        }
    }

    @Test
    void theTableComesFromTheEnvironmentAndAnArgumentWins() throws Exception {
        KvMain.Kv fromEnvironment = closer.add(KvMain.start("env", Map.of("KV_ROUTING_TABLE", "a-c:env@127.0.0.1"),
                "kv.port=0", "kindling.cookie=" + COOKIE));
        try (KvClient client = new KvClient(fromEnvironment.server().port())) {
            assertTrue(client.request("CREATE dates").contains("(a-c:env@127.0.0.1)"));
        }
        KvMain.Kv overridden = closer.add(KvMain.start("arg", Map.of("KV_ROUTING_TABLE", "a-c:arg@127.0.0.1"),
                "kv.port=0", "kindling.cookie=" + COOKIE, "kv.routing-table=a-z:arg@127.0.0.1"));
        try (KvClient client = new KvClient(overridden.server().port())) {
            assertEquals("OK", client.request("CREATE dates"));
        }
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        KvMain.Kv kv = start("many");
        int clients = 64;
        int requests = 200;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String bucket = "bucket" + c;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (KvClient client = new KvClient(kv.server().port())) {
                        client.request("CREATE " + bucket);
                        for (int i = 0; i < requests; i++) {
                            client.request("PUT " + bucket + " k" + i + " v" + i);
                            if (client.request("GET " + bucket + " k" + i).equals("v" + i + "\nOK")) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(requests, result.get(60, TimeUnit.SECONDS));
            }
        }
    }
}
