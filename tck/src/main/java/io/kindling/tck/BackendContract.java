package io.kindling.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeEvent;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.RunnerHandle;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.api.spi.RunnerSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Backend}: {@code boot} returns before the runner is ready (it does not wait for the
 * runner to connect); a ready runner serves its parent; a runner's end is observable through
 * {@link RunnerHandle#onExit()}, whether it was stopped or ended by itself; {@code stop} ends a runner that is
 * busy booting within its grace plus a bound; {@code close} ends every runner.
 */
public abstract class BackendContract {

    /** How long a runner may take to start, connect or end before the contract calls it a hang. */
    protected static final Duration BOUND = Duration.ofSeconds(30);
    private static final String COOKIE = "tck-cookie";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<RunnerHandle> handles = new CopyOnWriteArrayList<>();
    private Backend backend;

    /** {@return a new backend under test} */
    protected abstract Backend createBackend();

    /** For the {@code BackendContractTest} of each backend. */
    protected BackendContract() {
    }

    /**
     * Starts a node that runners connect back to, on 127.0.0.1; the contract closes it.
     *
     * @param cookie the cookie it must use
     * @return the node
     */
    protected abstract Node startParent(String cookie);

    @AfterEach
    void cleanUp() throws Exception {
        for (RunnerHandle handle : handles) {
            handle.stop(Duration.ZERO);
        }
        if (backend != null) {
            backend.close();
        }
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
        for (RunnerHandle handle : handles) {
            handle.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private Backend backend() {
        if (backend == null) {
            backend = createBackend();
        }
        return backend;
    }

    private RunnerHandle boot(NodeAddress parent, Duration bootTimeout) throws Exception {
        // as a pool does: the backend names the runner (on the host it chose), then boots it with that name
        NodeName name = backend().runnerName(NodeName.of("tck-runner-" + IDS.incrementAndGet(), "127.0.0.1"));
        assertEquals("tck-runner-" + IDS.get(), name.name(), "runnerName keeps the pool's name part");
        RunnerSpec spec = new RunnerSpec(name, parent, COOKIE, "tck", Map.of(), bootTimeout, List.of(),
                Duration.ZERO);
        RunnerHandle handle = assertTimeoutPreemptively(BOUND, () -> backend().boot(spec),
                "boot() must return once the runner is started, not wait for it");
        handles.add(handle);
        assertEquals(spec.runnerName(), handle.name());
        return handle;
    }

    /** A parent that accepts connections and never answers: runners stay in their handshake. */
    private NodeAddress silentParent() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        opened.add(server);
        List<Socket> held = new CopyOnWriteArrayList<>();
        opened.add(() -> {
            for (Socket socket : held) {
                socket.close();
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    held.add(server.accept());
                }
            } catch (IOException closed) {
                // the test ended
            }
        });
        return new NodeAddress(NodeName.of("silent-parent", "127.0.0.1"), "127.0.0.1", server.getLocalPort());
    }

    @Test
    void bootReturnsBeforeTheRunnerIsReadyAndStopEndsItWithinItsGrace() throws Exception {
        RunnerHandle handle = boot(silentParent(), BOUND);
        assertFalse(handle.onExit().isDone(), "a runner whose parent has not answered is still booting");
        Duration grace = Duration.ofSeconds(1);
        assertTimeoutPreemptively(grace.plus(BOUND), () -> handle.stop(grace), "stop must return");
        RunnerHandle.Exit exit = handle.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(exit.reason());
    }

    @Test
    void aReadyRunnerServesItsParentAndItsStopIsObservable() throws Exception {
        Node parent = startParent(COOKIE);
        opened.add(parent);
        CompletableFuture<NodeName> ready = new CompletableFuture<>();
        CompletableFuture<NodeName> down = new CompletableFuture<>();
        parent.monitor(event -> {
            switch (event) {
                case NodeEvent.NodeUp up -> {
                    if (up.attributes().get(RunnerProtocol.POOL_ATTRIBUTE).filter("tck"::equals).isPresent()) {
                        ready.complete(up.node());
                    }
                }
                case NodeEvent.NodeDown gone -> down.complete(gone.node());
            }
        });
        RunnerHandle handle = boot(parent.address(), BOUND);
        assertEquals(handle.name(), ready.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the runner connects back");
        assertEquals(42, parent.call(handle.name(), () -> 42, BOUND));
        handle.stop(Duration.ofSeconds(5));
        handle.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertEquals(handle.name(), down.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the parent sees it go");
    }

    @Test
    void aRunnerThatCannotReachItsParentEndsByItselfAfterItsBootTimeout() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        NodeAddress nobody = new NodeAddress(NodeName.of("gone-parent", "127.0.0.1"), "127.0.0.1", port);
        RunnerHandle handle = boot(nobody, Duration.ofSeconds(2));
        RunnerHandle.Exit exit = handle.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(exit.reason(), "the end is observable without a stop");
    }

    @Test
    void closeEndsEveryRunner() throws Exception {
        NodeAddress parent = silentParent();
        RunnerHandle first = boot(parent, BOUND);
        RunnerHandle second = boot(parent, BOUND);
        assertTimeoutPreemptively(BOUND, () -> backend().close(), "close must return");
        first.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        second.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
