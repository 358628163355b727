package io.kindling.api.spi;

import java.time.Instant;

/**
 * Decides how many runners a pool keeps up ahead of demand: from the queue, the load, the time of day or a signal of
 * the application's own. The pool asks it every {@code kindling.pool.<name>.scaling-interval} (default 1 s) and
 * whenever {@code Pool.rescale()} is called, on the pool's timer thread, and boots runners up to the answer. Queued
 * calls still make the pool boot what they need, up to {@code max}, whatever the policy says; runners above the
 * answer (and above {@code min}) stop after the idle time as before.
 *
 * <p>The default policy, {@code on-demand}, answers 0: runners boot only for calls (and to keep {@code min}). Core
 * also has {@code headroom}: the busy runners, the runners the queued calls need, plus {@code spare} more
 * ({@code kindling.scaling-policy.headroom.spare}, default 1). A pool names its policy with
 * {@code kindling.pool.<name>.scaling-policy} or its builder.
 *
 * <p>An implementation answers quickly (it runs on the pool's timer thread) and does not block. An exception it
 * throws is logged and the previous answer stands.
 */
public interface ScalingPolicy {

    /**
     * How many runners the pool should have up now, besides those queued calls make it boot.
     *
     * @param state the pool now
     * @return a number from 0 to {@code state.max()}; the pool raises it to {@code min} and lowers it to {@code max}
     */
    int target(State state);

    /**
     * A pool as its policy sees it.
     *
     * @param pool the pool's name
     * @param min the pool's minimum number of runners now
     * @param max the pool's maximum number of runners now
     * @param runners runners up
     * @param booting runners booting
     * @param busy runners running at least one call
     * @param queued calls waiting for room on a runner
     * @param callsPerRunner how many calls one runner takes at once (1 when single use)
     * @param now the time of the question
     */
    record State(String pool, int min, int max, int runners, int booting, int busy, int queued, int callsPerRunner,
            Instant now) {

        /** {@return how many runners the queued calls fill, rounded up} */
        public int runnersForQueue() {
            return (queued + callsPerRunner - 1) / callsPerRunner;
        }
    }
}
