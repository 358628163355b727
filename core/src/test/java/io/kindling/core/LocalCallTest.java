package io.kindling.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.RemoteExecutionException;
import io.kindling.api.RpcTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call to a node's own name runs in-process with the errors of a remote call. */
class LocalCallTest {

    static final CountDownLatch INTERRUPTED = new CountDownLatch(1);

    @Test
    void callsToItselfRunHereWithTheSameErrorsAsRemoteCalls() throws Exception {
        try (KindlingNode node = KindlingNode.builder().name("self@127.0.0.1").cookie("local").start()) {
            assertEquals(node.name(), node.call(node.name(), () -> KindlingNode.current().orElseThrow().name(),
                    Duration.ofSeconds(5)));
            RemoteExecutionException failed = assertThrows(RemoteExecutionException.class, () -> node.call(node.name(),
                    () -> {
                        throw new IllegalStateException("local failure");
                    }, Duration.ofSeconds(5)));
            assertInstanceOf(IllegalStateException.class, failed.getCause());
            assertEquals(node.name(), failed.node());
            assertThrows(RpcTimeoutException.class, () -> node.call(node.name(), () -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    INTERRUPTED.countDown();
                    throw e;
                }
                return null;
            }, Duration.ofMillis(200)));
            assertTrue(INTERRUPTED.await(5, TimeUnit.SECONDS), "the timed-out task was interrupted");
            CountDownLatch cast = new CountDownLatch(1);
            node.cast(node.name(), cast::countDown).get(5, TimeUnit.SECONDS);
            assertTrue(cast.await(5, TimeUnit.SECONDS));
        }
    }
}
