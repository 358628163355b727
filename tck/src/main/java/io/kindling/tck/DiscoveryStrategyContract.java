package io.kindling.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.opentest4j.TestAbortedException;

/**
 * The contract of a {@link DiscoveryStrategy}, from its Javadoc: it finds what its source holds; a failure is
 * thrown, never an empty answer; a partial failure appears in {@link Discovery#failures()} while the rest is
 * answered; {@code discover()} honours its own timeout when its source hangs; {@code close} undoes what
 * {@code start} registered.
 *
 * <p>Each check takes its strategy from a hook. A hook a strategy cannot serve (a fixed list has no source that can
 * fail) calls {@link Assumptions#abort(String)} with the reason; the check is then left out: it runs no test, so it
 * is neither passed nor skipped, and the reason is published as a report entry ({@code not applicable}). A run
 * that must not skip anything (Kindling's CI) stays green for a plugin that serves fewer hooks. The contract starts
 * every strategy with {@link #startNode(String)}'s node and closes both.
 */
public abstract class DiscoveryStrategyContract {

    /** The timeout a strategy with a hanging source is configured with. */
    protected static final Duration SOURCE_TIMEOUT = Duration.ofSeconds(1);
    /** What the contract allows on top of {@link #SOURCE_TIMEOUT} before it calls {@code discover()} hung. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** How long a registration may take to appear or go. */
    private static final Duration REGISTRATION_BOUND = Duration.ofSeconds(10);

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** For the {@code DiscoveryStrategyContractTest} of each discovery strategy. */
    protected DiscoveryStrategyContract() {
    }

    /**
     * Starts a node on 127.0.0.1 for the strategy to serve; the contract closes it.
     *
     * @param name the node's name part
     * @return the node
     */
    protected abstract Node startNode(String name);

    /**
     * A strategy whose source holds exactly these nodes' addresses.
     *
     * @param nodes running nodes
     * @return the strategy, not started
     * @throws Exception if the fixture cannot be set up
     */
    protected abstract DiscoveryStrategy strategyFinding(List<Node> nodes) throws Exception;

    /**
     * A strategy whose only source is down: nothing listens at {@code deadPort} on 127.0.0.1 (TCP and UDP).
     *
     * @param deadPort a port nobody listens on
     * @return the strategy, not started
     * @throws Exception if the fixture cannot be set up
     */
    protected DiscoveryStrategy strategyWhoseSourceIsDown(int deadPort) throws Exception {
        return Assumptions.abort(getClass().getSimpleName() + " does not say how its source can be down");
    }

    /**
     * A strategy with two sources, one of which is down, the other holding {@code node}.
     *
     * @param node a running node the healthy source holds
     * @param deadPort a port nobody listens on
     * @return the strategy, not started
     * @throws Exception if the fixture cannot be set up
     */
    protected DiscoveryStrategy strategyWithOneSourceDown(Node node, int deadPort) throws Exception {
        return Assumptions.abort(getClass().getSimpleName() + " does not say how one of its sources can be down");
    }

    /**
     * A strategy configured with {@link #SOURCE_TIMEOUT} whose source hangs: a TCP server at {@code hangingTcp}
     * accepts and never answers, a UDP socket at {@code silentUdp} never answers.
     *
     * @param hangingTcp accepts connections, sends nothing
     * @param silentUdp receives datagrams, sends nothing
     * @return the strategy, not started
     * @throws Exception if the fixture cannot be set up
     */
    protected DiscoveryStrategy strategyWithHangingSource(InetSocketAddress hangingTcp, InetSocketAddress silentUdp)
            throws Exception {
        return Assumptions.abort(getClass().getSimpleName() + " does not say how its source can hang");
    }

    /**
     * A strategy that registers the node it starts with somewhere (a port mapper, a group).
     *
     * @return the strategy, not started
     * @throws Exception if the fixture cannot be set up
     */
    protected DiscoveryStrategy strategyThatRegisters() throws Exception {
        return Assumptions.abort(getClass().getSimpleName() + " registers nothing at start");
    }

    /**
     * Whether the node is registered where {@link #strategyThatRegisters()}'s strategy registers it, as another
     * member would see it.
     *
     * @param node the node
     * @return whether it is registered
     * @throws Exception if the fixture cannot be set up
     */
    protected boolean isRegistered(Node node) throws Exception {
        return Assumptions.abort(getClass().getSimpleName() + " registers nothing at start");
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private DiscoveryStrategy started(DiscoveryStrategy strategy, Node node) throws Exception {
        open(strategy);
        strategy.start(node);
        return strategy;
    }

    private static int deadPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void findsWhatItsSourceHolds() throws Exception {
        Node a = open(startNode("tck-a"));
        Node b = open(startNode("tck-b"));
        DiscoveryStrategy strategy = started(strategyFinding(List.of(a, b)), a);
        Discovery discovery = assertTimeoutPreemptively(SLACK.plus(REGISTRATION_BOUND), strategy::discover);
        List<NodeName> found = discovery.nodes().stream().map(NodeAddress::name).toList();
        assertTrue(found.contains(b.name()), "found " + discovery);
        assertTrue(discovery.complete(), "nothing failed: " + discovery);
    }

    @TestFactory
    Stream<DynamicTest> aFailureIsThrownNeverAnEmptyAnswer(TestReporter reporter) throws Exception {
        Node node = open(startNode("tck-down"));
        return ifServed(reporter, () -> strategyWhoseSourceIsDown(deadPort()), strategyToCheck -> {
            DiscoveryStrategy strategy = started(strategyToCheck, node);
            Exception thrown = assertTimeoutPreemptively(SOURCE_TIMEOUT.plus(SLACK.multipliedBy(2)),
                    () -> assertThrows(Exception.class, strategy::discover,
                            "a source that is down must make discover() throw, not answer empty"));
            assertNotNull(thrown.getMessage(), "the error says what failed");
        });
    }

    @TestFactory
    Stream<DynamicTest> aPartialFailureAppearsInTheResult(TestReporter reporter) throws Exception {
        Node node = open(startNode("tck-partial"));
        Node held = open(startNode("tck-held"));
        return ifServed(reporter, () -> strategyWithOneSourceDown(held, deadPort()), strategyToCheck -> {
            DiscoveryStrategy strategy = started(strategyToCheck, node);
            Discovery discovery = assertTimeoutPreemptively(SOURCE_TIMEOUT.plus(SLACK.multipliedBy(2)),
                    strategy::discover);
            assertFalse(discovery.complete(), "one source failed: " + discovery);
            assertFalse(discovery.failures().isEmpty(), "the failed source is named: " + discovery);
            assertTrue(discovery.nodes().stream().anyMatch(a -> a.name().equals(held.name())),
                    "the healthy source still answers: " + discovery);
        });
    }

    @TestFactory
    Stream<DynamicTest> discoverHonoursItsTimeoutWhenItsSourceHangs(TestReporter reporter) throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        ServerSocket hanging = open(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        open(() -> {
            for (Socket socket : held) {
                socket.close();
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    held.add(hanging.accept());
                }
            } catch (IOException closed) {
                // the test ended
            }
        });
        DatagramSocket silent = open(new DatagramSocket(0, InetAddress.getLoopbackAddress()));
        Node node = open(startNode("tck-hang"));
        return ifServed(reporter, () -> strategyWithHangingSource(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), hanging.getLocalPort()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort())), strategyToCheck -> {
                    DiscoveryStrategy strategy = started(strategyToCheck, node);
                    long started = System.nanoTime();
                    assertTimeoutPreemptively(SOURCE_TIMEOUT.plus(SLACK), () -> assertThrows(Exception.class,
                            strategy::discover, "a hanging source is a failure"),
                            "discover() must give up after its own timeout of " + SOURCE_TIMEOUT.toMillis() + " ms");
                    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(SOURCE_TIMEOUT.plus(SLACK))
                            < 0);
                });
    }

    @TestFactory
    Stream<DynamicTest> closeUndoesWhatStartRegistered(TestReporter reporter) throws Exception {
        Node node = open(startNode("tck-reg"));
        return ifServed(reporter, this::strategyThatRegisters, strategy -> {
            strategy.start(node);
            try {
                awaitRegistered(node, true);
            } finally {
                strategy.close();
            }
            awaitRegistered(node, false);
            assertEquals(false, isRegistered(node));
        });
    }

    /** A check's body, given the strategy its hook served. */
    @FunctionalInterface
    private interface Check {
        void run(DiscoveryStrategy strategy) throws Throwable;
    }

    /** The hook that serves a check's strategy. */
    @FunctionalInterface
    private interface Hook {
        DiscoveryStrategy get() throws Exception;
    }

    /**
     * The check as one test when the plugin serves its hook; no test at all, with the hook's reason as a report
     * entry, when the hook aborts.
     */
    private Stream<DynamicTest> ifServed(TestReporter reporter, Hook hook, Check check) throws Exception {
        DiscoveryStrategy strategy;
        try {
            strategy = hook.get();
        } catch (TestAbortedException notServed) {
            reporter.publishEntry("not applicable", notServed.getMessage());
            return Stream.empty();
        }
        return Stream.of(DynamicTest.dynamicTest("check", () -> check.run(strategy)));
    }

    private void awaitRegistered(Node node, boolean expected) throws Exception {
        long deadline = System.nanoTime() + REGISTRATION_BOUND.toNanos();
        while (isRegistered(node) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + node.name() + (expected ? " was not registered" : " is still "
                        + "registered") + " after " + REGISTRATION_BOUND.toSeconds() + " s");
            }
            Thread.sleep(50); // polling a registry from outside: there is nothing to wait on
        }
    }
}
