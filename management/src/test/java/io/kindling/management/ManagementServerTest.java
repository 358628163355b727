package io.kindling.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.ConfigException;
import io.kindling.core.KindlingNode;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The endpoints, read with the JDK's HTTP client from a real node's server. */
class ManagementServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Closer closer = new Closer();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private KindlingNode node(String name) {
        return closer.add(KindlingNode.builder().name(name + "@127.0.0.1").cookie("management-test").start());
    }

    private HttpResponse<String> get(ManagementServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.address().getPort() + path)).timeout(WAIT);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String bodyOf(ManagementServer server, String path) {
        try {
            return get(server, path).body();
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        }
    }

    @Test
    void healthMetricsClusterAndEvents() throws Exception {
        KindlingNode node = node("mgmt-a");
        ManagementServer server = closer.add(ManagementServer.builder(node).bind("127.0.0.1", 0).minPeers(1)
                .start());
        assertEquals(200, get(server, "/health/alive").statusCode());
        HttpResponse<String> notReady = get(server, "/health/ready");
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("fewer than kindling.management.min-peers=1"), notReady.body());

        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.address().getPort() + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                in.lines().filter(l -> l.startsWith("data: ")).forEach(events::add);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // closed
            }
        });
        closer.add(() -> {
            reader.interrupt();
            stream.body().close();
        });

        KindlingNode peer = node("mgmt-b");
        node.connect(peer.address());
        node.call(peer.name(), () -> 1, WAIT);
        assertEquals(200, get(server, "/health/ready").statusCode());
        String event = events.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null && event.contains("\"type\":\"node-up\"") && event.contains("mgmt-b@127.0.0.1"),
                String.valueOf(event));

        // at least the test's call; the observer's views of the cluster, while the event stream is open, are calls too
        java.util.regex.Pattern okCalls = java.util.regex.Pattern.compile(
                "kindling_calls_total\\{direction=\"out\",node=\"mgmt-a@127.0.0.1\",outcome=\"ok\"} [1-9]");
        Await.until("the call in the Prometheus text (snapshots are kept 1 s)", WAIT,
                () -> okCalls.matcher(bodyOf(server, "/metrics")).find());
        Await.until("the cluster view has both nodes", WAIT, () -> {
            String body = bodyOf(server, "/cluster");
            return body.contains("\"name\":\"mgmt-a@127.0.0.1\"") && body.contains("\"name\":\"mgmt-b@127.0.0.1\"")
                    && body.contains("\"connections\":[\"mgmt-b@127.0.0.1\"]");
        });
        HttpResponse<String> page = get(server, "/");
        assertTrue(page.body().contains("<title>Kindling observer</title>"));
        assertEquals(404, get(server, "/nothing").statusCode());
    }

    @Test
    void anyAddressButLoopbackNeedsAToken() throws Exception {
        KindlingNode node = node("mgmt-t");
        ConfigException refused = assertThrows(ConfigException.class,
                () -> ManagementServer.builder(node).bind("0.0.0.0", 0).start());
        assertTrue(refused.getMessage().contains("kindling.management.token"), refused.getMessage());

        ManagementServer server = closer.add(ManagementServer.builder(node).bind("0.0.0.0", 0)
                .token("s3cret-token").start());
        assertEquals(401, get(server, "/cluster").statusCode());
        assertEquals(401, get(server, "/cluster", "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, get(server, "/metrics").statusCode());
        assertEquals(200, get(server, "/metrics", "Authorization", "Bearer s3cret-token").statusCode());
        assertEquals(200, get(server, "/?token=s3cret-token").statusCode());
        assertEquals(200, get(server, "/health/alive").statusCode(), "probes need no token");
    }

    @Test
    void theManagementExtensionServesWhileTheNodeRuns() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        KindlingNode node = closer.add(KindlingNode.builder().name("mgmt-x@127.0.0.1").cookie("management-test")
                .set("kindling.extensions", "management").set("kindling.management.port", Integer.toString(port))
                .start());
        HttpResponse<String> alive = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/health/alive")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, alive.statusCode());
        assertTrue(alive.body().contains("mgmt-x@127.0.0.1"));
        node.close();
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/health/alive")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString()), "closing the node stops its endpoints");
    }
}
