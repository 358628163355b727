package io.kindling.core.internal.cluster;

import io.kindling.api.NodeAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Backs off from discovered addresses that keep failing to connect: after {@value #FREE_FAILURES} failures in a row,
 * an address is not dialed again for 1 s, then 2 s, 4 s… up to 30 s, until a connect succeeds. A port mapper full of
 * fake registrations, or a name whose node is gone, then costs a dial every 30 s instead of every poll, and a node
 * that comes back is still joined within 30 s. Forgets addresses discovery no longer names. Used by the refresh
 * thread only.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class DialBackoff {

    static final int FREE_FAILURES = 3;
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private record State(int failures, long delayNanos, long nextNanos) {
    }

    private final Map<NodeAddress, State> states = new HashMap<>();

    /**
     * Why an address is not dialed now, or {@code null} to dial it.
     *
     * @param address the discovered address
     * @param now {@link System#nanoTime()}
     * @return the reason, for the refresh result, or {@code null}
     */
    String holdBack(NodeAddress address, long now) {
        State state = states.get(address);
        if (state == null || now - state.nextNanos >= 0) {
            return null;
        }
        // the same text for every poll of one back-off, so that a refresh logged once is not logged again
        return "not dialed: " + state.failures + " connects in a row failed; backing off "
                + Duration.ofNanos(state.delayNanos).toMillis() + " ms (up to " + MAX.toSeconds() + " s)";
    }

    void failed(NodeAddress address, long now) {
        states.merge(address, new State(1, 0, now), (old, unused) -> {
            int failures = old.failures + 1;
            long delay = failures <= FREE_FAILURES ? 0
                    : Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(20, failures - FREE_FAILURES - 1));
            return new State(failures, delay, now + delay);
        });
    }

    void succeeded(NodeAddress address) {
        states.remove(address);
    }

    /** Forgets every address not in {@code discovered}. */
    void retainOnly(Collection<NodeAddress> discovered) {
        Set<NodeAddress> keep = Set.copyOf(discovered);
        states.keySet().retainAll(keep);
    }
}
