package com.example.consumer;

import io.kindling.api.Node;
import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.core.cluster.RefreshResult;
import io.kindling.core.pool.Pool;
import java.time.Duration;

/**
 * What a user's application does with core, a strategy found by name (local-epmd) and a backend found by name
 * (peer, a child JVM that runs this application's lambda): prints {@code consumer ok on the PATH path} when all of it
 * worked.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs it.
     *
     * @param args the port mapper's port, and a cookie
     * @throws Exception when any step fails
     */
    public static void main(String[] args) throws Exception {
        String path = Main.class.getModule().isNamed() ? "module" : "class";
        try (Node node = KindlingNode.builder().name("consumer-" + path + "@127.0.0.1").cookie(args[1])
                .set("kindling.strategy.epmd.port", args[0])
                .set("kindling.strategy.epmd.server-address", "127.0.0.1").start()) {
            try (Cluster cluster = Cluster.builder(node).strategy("local-epmd").start()) {
                RefreshResult refreshed = cluster.refresh();
                if (!(refreshed instanceof RefreshResult.Success)) {
                    throw new IllegalStateException("local-epmd refresh: " + RefreshResult.describe(refreshed));
                }
            }
            try (Pool pool = Pool.builder(node).name("consumer").backend("peer").max(1)
                    .bootTimeout(Duration.ofSeconds(60)).start()) {
                int factor = 6;
                int answer = pool.call(() -> factor * 7);
                if (answer != 42) {
                    throw new IllegalStateException("the runner answered " + answer);
                }
            }
        }
        System.out.println("consumer ok on the " + path + " path");
    }
}
