package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.api.NodeName;
import io.kindling.testing.KindlingCluster;
import io.kindling.testing.TestCluster;
import org.junit.jupiter.api.Test;

// The README's "Testing with a real cluster" block, run as it is.
@KindlingCluster(nodes = 3, env = "REGION=test")       // module kindling-testing
class ReplicationTest {
    @Test
    void everyPeerAnswers(TestCluster cluster) {
        for (NodeName peer : cluster.peers()) {
            assertEquals("ok", cluster.call(peer, () -> "ok"));
        }
    }
}
