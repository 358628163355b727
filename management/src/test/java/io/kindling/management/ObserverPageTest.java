package io.kindling.management;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pool;
import io.kindling.testing.ClusterNodeMain;
import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observer page in a real browser (headless Chromium), against a three-node cluster (this JVM and two child
 * JVMs) with a pool under load: what the live page's DOM shows, and a node killed disappearing from it.
 */
class ObserverPageTest {

    private static final String COOKIE = "observer-page-test-cookie";
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final Closer closer = new Closer();

    private NodeAddress child(String name) throws Exception {
        ChildProcess process = closer.add(ChildProcess.java(name, ClusterNodeMain.class,
                ClusterNodeMain.arguments(name, COOKIE, "kindling.heartbeat.interval=300ms",
                        "kindling.heartbeat.timeout=" + HEARTBEAT_TIMEOUT.toMillis() + "ms")));
        String ready = process.awaitLine(WAIT, line -> line.startsWith("READY "));
        children.put(name, process);
        return new NodeAddress(NodeName.of(name, "127.0.0.1"), "127.0.0.1", Integer.parseInt(ready.substring(6)
                .trim()));
    }

    private final java.util.Map<String, ChildProcess> children = new java.util.HashMap<>();

    @Test
    void thePageDrawsNodesConnectionsAndRunnersAndDropsAKilledNode() throws Exception {
        KindlingNode node = closer.add(KindlingNode.builder().name("obs-a@127.0.0.1").cookie(COOKIE)
                .heartbeat(Duration.ofMillis(300), HEARTBEAT_TIMEOUT).start());
        NodeAddress b = child("obs-b");
        NodeAddress c = child("obs-c");
        node.connect(b);
        node.connect(c);
        node.call(b.name(), () -> KindlingNode.current().orElseThrow().connect(c), WAIT); // b-c: a mesh
        Pool pool = closer.add(Pool.builder(node).name("render").max(2).maxConcurrency(2).start());
        Thread load = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    pool.call(() -> {
                        Thread.sleep(5);
                        return 1;
                    });
                    node.call(b.name(), () -> 2, WAIT);
                } catch (RuntimeException e) {
                    return; // the test is over
                }
            }
        });
        closer.add(load::interrupt);
        ManagementServer server = closer.add(ManagementServer.builder(node).bind("127.0.0.1", 0).start());

        HeadlessChromium browser = closer.add(HeadlessChromium.start());
        HeadlessChromium.Page page = browser.open("http://127.0.0.1:" + server.address().getPort() + "/");
        String a = "obs-a@127.0.0.1";
        String bName = "obs-b@127.0.0.1";
        String cName = "obs-c@127.0.0.1";
        awaitDom(page, "the three nodes, their connections and a runner", dom -> dom.contains("node:" + a)
                && dom.contains("node:" + bName) && dom.contains("node:" + cName)
                && dom.contains("edge:" + a + "|" + bName) && dom.contains("edge:" + a + "|" + cName)
                && dom.contains("edge:" + bName + "|" + cName) && dom.contains("runner:render-runner-"));
        awaitDom(page, "calls/s and its chart drawn for the loaded node", dom -> dom.matches("(?s).*rate:" + a
                + "=[1-9].*") && dom.contains("chart:" + a));
        page.screenshot(Path.of("target", "observer.png"));

        long killed = System.nanoTime();
        children.get("obs-c").kill();
        awaitDom(page, "obs-c gone from the page", dom -> !dom.contains("node:" + cName));
        long goneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        awaitDom(page, "the node-down event in the page's list, from the event stream",
                dom -> dom.contains("event:node-down"));
        page.screenshot(Path.of("target", "observer-after-kill.png"));
        System.out.println("observer: a killed node left the page after " + goneMillis + " ms (heartbeat timeout "
                + HEARTBEAT_TIMEOUT.toMillis() + " ms, page refresh 1 s, view every 1 s)");
        assertTrue(goneMillis < HEARTBEAT_TIMEOUT.plusSeconds(2).toMillis(), "the killed node stayed "
                + goneMillis + " ms");
    }

    /** What the page shows now, as lines the test can match: nodes, edges, runners, rates, events. */
    private static final String DOM = "[...document.querySelectorAll('[data-node]')].map(e => 'node:' + e.dataset.node)"
            + ".concat([...document.querySelectorAll('[data-edge]')].map(e => 'edge:' + e.dataset.edge))"
            + ".concat([...document.querySelectorAll('[data-runner]')].map(e => 'runner:' + e.dataset.runner))"
            + ".concat([...document.querySelectorAll('tr[data-row]')].map(r => 'rate:' + r.dataset.row + '='"
            + " + r.querySelector('.rate').textContent))"
            + ".concat([...document.querySelectorAll('tr[data-row]')].filter(r => r.querySelector('polyline'))"
            + ".map(r => 'chart:' + r.dataset.row))"
            + ".concat([...document.querySelectorAll('#events li')].map(e => 'event:' + e.dataset.type))"
            + ".join('\\n')";

    private static void awaitDom(HeadlessChromium.Page page, String what, Predicate<String> shown)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String dom = "";
        while (System.nanoTime() < deadline) {
            dom = page.evaluate(DOM);
            if (dom != null && shown.test(dom)) {
                return;
            }
            Thread.sleep(100); // the page redraws every second; a DOM has nothing to wait on
        }
        throw new AssertionError("The page did not show " + what + " within " + WAIT.toSeconds() + " s; it showed:\n"
                + dom);
    }
}
