package io.kindling.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Await;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store over real JVMs (the guide's {@code @tag :distributed}): each node a child JVM running {@link KvMain},
 * finding the others through a port mapper on a port of the test's own, driven through the text protocol.
 */
class DistributedKvTest {

    private static final String COOKIE = "kv-dist-cookie-Q8m2Xw5Lr7Tz1Kp4";
    private static final String TABLE = "kv.routing-table=a-m:foo@127.0.0.1,n-z:bar@127.0.0.1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final Closer closer = new Closer();

    private record Node(ChildProcess process, int port) {
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Node node(String name, int epmdPort, String... settings) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(name, "kv.port=0", "kindling.cookie=" + COOKIE,
                "kindling.cluster.strategy=local-epmd", "kindling.cluster.poll-interval=200ms",
                "kindling.strategy.epmd.port=" + epmdPort, "kindling.strategy.epmd.server-address=127.0.0.1"));
        arguments.addAll(List.of(settings));
        ChildProcess process = closer.add(ChildProcess.java(name, KvMain.class, arguments));
        String ready = process.awaitLine(WAIT, line -> line.startsWith("READY "));
        return new Node(process, Integer.parseInt(ready.split(" ")[1].substring(3)));
    }

    private static void awaitConnected(Node node, String peer) throws InterruptedException {
        Await.until(node.process().label() + " to connect to " + peer, WAIT, () -> node.process().output(),
                () -> node.process().lines().contains("UP " + peer));
    }

    @Test
    void eachNodeServesTheOthersBuckets() throws Exception {
        int epmd = freePort();
        Node foo = node("foo", epmd, TABLE);
        Node bar = node("bar", epmd, TABLE);
        awaitConnected(foo, "bar@127.0.0.1");
        try (KvClient onFoo = new KvClient(foo.port()); KvClient onBar = new KvClient(bar.port())) {
            assertEquals("OK", onFoo.request("CREATE shopping")); // s: lives on bar
            assertEquals("OK", onFoo.request("PUT shopping milk 1"));
            assertEquals("1\nOK", onBar.request("GET shopping milk"));
            assertEquals("OK", onBar.request("CREATE apples")); // a: lives on foo
            assertEquals("OK", onBar.request("PUT apples kind gala"));
            assertEquals("gala\nOK", onFoo.request("GET apples kind"));
        }
    }

    @Test
    void aKilledOwnerGivesErrorLinesWhileOtherBucketsWorkAndARestartedOneServesAgain() throws Exception {
        int epmd = freePort();
        Node foo = node("foo", epmd, TABLE);
        Node bar = node("bar", epmd, TABLE);
        awaitConnected(foo, "bar@127.0.0.1");
        try (KvClient setup = new KvClient(foo.port())) {
            assertEquals("OK", setup.request("CREATE apples"));
            assertEquals("OK", setup.request("CREATE shopping"));
        }
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger errorsAfterKill = new AtomicInteger();
        AtomicInteger localAfterKill = new AtomicInteger();
        AtomicInteger beforeKill = new AtomicInteger();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            for (int c = 0; c < 8; c++) {
                String bucket = c % 2 == 0 ? "apples" : "shopping";
                int id = c;
                running.add(clients.submit(() -> {
                    try (KvClient client = new KvClient(foo.port())) {
                        for (int i = 0; System.nanoTime() < end; i++) {
                            boolean after = killed.get();
                            String reply = client.request("PUT " + bucket + " k" + id + " " + i);
                            if (reply.equals("OK")) {
                                if (!after) {
                                    beforeKill.incrementAndGet();
                                } else if (bucket.equals("apples")) {
                                    localAfterKill.incrementAndGet();
                                }
                            } else if (reply.startsWith("ERROR bucket 'shopping' lives on bar@127.0.0.1")) {
                                if (after) {
                                    errorsAfterKill.incrementAndGet();
                                }
                            } else {
                                unexpected.add(reply);
                            }
                        }
                    }
                    return null;
                }));
            }
            Await.until("traffic to flow before the kill", WAIT, () -> beforeKill.get() >= 200);
            bar.process().signal("KILL");
            killed.set(true);
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
        }
        assertTrue(unexpected.isEmpty(), "unexpected replies: " + unexpected);
        assertTrue(errorsAfterKill.get() > 0, "requests for bar's buckets got the error line");
        assertTrue(localAfterKill.get() > 0, "foo's buckets kept working");
        System.out.printf("kv, bar killed mid-traffic: %d error lines for its buckets, %d puts to foo's after%n",
                errorsAfterKill.get(), localAfterKill.get());

        node("bar", epmd, TABLE);
        try (KvClient client = new KvClient(foo.port())) {
            Await.until("foo to route to the restarted bar", WAIT, () -> {
                try {
                    return client.request("GET shopping k1").equals("NOT FOUND"); // bar's memory is gone
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals("OK", client.request("CREATE shopping"));
            assertEquals("OK", client.request("PUT shopping milk 2"));
            assertEquals("2\nOK", client.request("GET shopping milk"));
        }
    }

    @Test
    void threeNodesWithTheHashRouterAgreeOnEveryBucket() throws Exception {
        int epmd = freePort();
        List<Node> nodes = new ArrayList<>();
        for (String name : List.of("foo", "bar", "baz")) {
            nodes.add(node(name, epmd, "kv.router=hash"));
        }
        for (Node node : nodes) {
            for (String peer : List.of("foo", "bar", "baz")) {
                if (!peer.equals(node.process().label())) {
                    awaitConnected(node, peer + "@127.0.0.1");
                }
            }
        }
        try (KvClient first = new KvClient(nodes.get(0).port()); KvClient second = new KvClient(nodes.get(1).port());
                KvClient third = new KvClient(nodes.get(2).port())) {
            for (int b = 0; b < 30; b++) {
                assertEquals("OK", first.request("CREATE bucket" + b));
                assertEquals("OK", second.request("PUT bucket" + b + " key value" + b));
                assertEquals("value" + b + "\nOK", third.request("GET bucket" + b + " key"));
            }
        }
    }
}
