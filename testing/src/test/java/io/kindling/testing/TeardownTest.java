package io.kindling.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.kindling.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs a test class whose test fails, through JUnit itself, and checks that its peers are gone afterwards. */
class TeardownTest {

    static final List<Long> PEER_PIDS = new CopyOnWriteArrayList<>();

    /** Run only through the test kit below (surefire skips nested classes). */
    @KindlingCluster(nodes = 2)
    static class FailingCluster {
        @Test
        void fails(TestCluster cluster) {
            cluster.peers().forEach(peer -> PEER_PIDS.add(cluster.call(peer, () -> ProcessHandle.current().pid())));
            throw new AssertionError("this test fails on purpose");
        }
    }

    @Test
    void aFailingTestClassLeavesNoPeerProcessBehind() throws Exception {
        PEER_PIDS.clear();
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingCluster.class))
                .execute().testEvents();
        tests.assertStatistics(stats -> stats.started(1).failed(1));
        assertEquals(2, PEER_PIDS.size(), "the peers ran");
        Await.until("every peer to exit: " + PEER_PIDS, Duration.ofSeconds(10), () -> PEER_PIDS.stream()
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }
}
