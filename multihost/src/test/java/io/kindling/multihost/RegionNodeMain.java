package io.kindling.multihost;

import io.kindling.core.KindlingNode;
import io.kindling.rpc.region.CallOptions;
import io.kindling.rpc.region.RegionRpc;
import io.kindling.testing.ClusterNodeMain;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ClusterNodeMain} with region RPC: it also answers
 * {@code region <region> <fail|wait|fallback:<region>,…> <timeout-ms>} with {@code REGION_CALLED <region> <node>
 * <micros>} (the node the task ran on) or {@code REGION_FAILED <region> <exception> <micros> <message>}.
 * {@code <primary>} in a fallback list is the primary region.
 */
public final class RegionNodeMain {

    private RegionNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        AtomicReference<RegionRpc> regions = new AtomicReference<>();
        ClusterNodeMain.run(args, (node, command) -> {
            String[] words = command.split("\\s+");
            if (words.length != 4 || !words[0].equals("region")) {
                return null;
            }
            RegionRpc rpc = regions.updateAndGet(current -> current != null ? current : RegionRpc.start(node));
            CallOptions options = CallOptions.defaults().withTimeout(Duration.ofMillis(Long.parseLong(words[3])));
            if (words[2].equals("wait")) {
                options = options.waitForNode();
            } else if (words[2].startsWith("fallback:")) {
                options = options.fallback(words[2].substring("fallback:".length()).split(","));
            }
            long start = System.nanoTime();
            try {
                String ran = rpc.call(words[1], () -> KindlingNode.current().orElseThrow().name().toString(),
                        options);
                return "REGION_CALLED " + words[1] + " " + ran + " " + (System.nanoTime() - start) / 1000;
            } catch (RuntimeException e) {
                return "REGION_FAILED " + words[1] + " " + e.getClass().getSimpleName() + " "
                        + (System.nanoTime() - start) / 1000 + " " + e.getMessage();
            }
        });
    }
}
