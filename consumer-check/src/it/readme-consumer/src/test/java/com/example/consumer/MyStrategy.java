package com.example.consumer;

import io.kindling.api.Node;
import io.kindling.api.spi.DiscoveryStrategy;
import java.time.Duration;
import java.util.List;

/** The README's "your own strategy", as far as the kit's signatures need it to compile. */
final class MyStrategy {

    private MyStrategy() {
    }

    static DiscoveryStrategy listing(List<Node> nodes) {
        return DiscoveryStrategy.fixed(nodes.stream().map(Node::address).toList());
    }

    static DiscoveryStrategy at(String host, int port) {
        return at(host, port, Duration.ofSeconds(5));
    }

    static DiscoveryStrategy at(String host, int port, Duration timeout) {
        throw new UnsupportedOperationException("the reader's strategy, asking " + host + ":" + port);
    }
}
