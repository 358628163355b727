package io.kindling.multihost;

import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.pool.Pools;
import io.kindling.testing.ClusterNodeMain;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * {@link ClusterNodeMain} as the parent of the pools in {@code kindling.pools}, answering more commands:
 * {@code pool-call <pool> <sleep-ms> <timeout-ms> <tag>} runs a task that sleeps, then names its runner:
 * {@code POOL_CALLED <pool> <tag> <runner> <micros>} or {@code POOL_FAILED <pool> <tag> <exception> <micros>
 * <message>} (the tag tells the replies of calls running at once apart);
 * {@code pool-runners <pool>} answers {@code RUNNERS <pool> <runner>,…} (sorted); {@code pool-queued <pool>} answers
 * {@code QUEUED <pool> <calls waiting for room>}.
 */
public final class PoolParentMain {

    private PoolParentMain() {
    }

    public static void main(String[] args) throws Exception {
        ClusterNodeMain.run(args, (node, command) -> {
            String[] words = command.split("\\s+");
            if (words.length == 5 && words[0].equals("pool-call")) {
                long sleep = Long.parseLong(words[2]);
                long start = System.nanoTime();
                try {
                    String runner = Pools.get(node, words[1]).call(() -> {
                        Thread.sleep(sleep);
                        return KindlingNode.current().orElseThrow().name().toString();
                    }, Duration.ofMillis(Long.parseLong(words[3])));
                    return "POOL_CALLED " + words[1] + " " + words[4] + " " + runner + " "
                            + (System.nanoTime() - start) / 1000;
                } catch (RuntimeException e) {
                    return "POOL_FAILED " + words[1] + " " + words[4] + " " + e.getClass().getSimpleName() + " "
                            + (System.nanoTime() - start) / 1000 + " " + e.getMessage();
                }
            }
            if (words.length == 2 && words[0].equals("pool-runners")) {
                return "RUNNERS " + words[1] + " " + Pools.get(node, words[1]).runners().stream()
                        .map(NodeName::toString).sorted().collect(Collectors.joining(","));
            }
            if (words.length == 2 && words[0].equals("pool-queued")) {
                return "QUEUED " + words[1] + " " + Pools.get(node, words[1]).queued();
            }
            return null;
        });
    }
}
