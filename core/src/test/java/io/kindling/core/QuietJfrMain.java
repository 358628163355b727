package io.kindling.core;

import java.time.Duration;

/**
 * Two nodes in one fresh JVM: a handshake, a call, a cast, a pool's runner and
 * a close, with no recording ever started. Prints
 * {@code done 42} at the end; {@link ObservabilityTest} reads which classes the JVM loaded on the way.
 */
public final class QuietJfrMain {

    private QuietJfrMain() {
    }

    public static void main(String[] args) throws Exception {
        try (KindlingNode a = KindlingNode.builder().name("quiet-a@127.0.0.1").cookie("quiet-jfr-cookie").start();
                KindlingNode b = KindlingNode.builder().name("quiet-b@127.0.0.1").cookie("quiet-jfr-cookie")
                        .start()) {
            var peer = a.connect(b.address());
            int answer = a.call(peer, () -> 42, Duration.ofSeconds(10));
            a.cast(peer, () -> { }).get();
            try (io.kindling.core.pool.Pool pool = io.kindling.core.pool.Pool.builder(a).name("quiet").max(1)
                    .start()) {
                answer = pool.call(() -> 42);
            }
            System.out.println("done " + answer);
        }
    }
}
