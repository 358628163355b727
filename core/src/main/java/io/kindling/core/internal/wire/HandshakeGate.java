package io.kindling.core.internal.wire;

import io.kindling.core.internal.LazyLogger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the handshakes a listener runs at once: in all, and per source address. A connection over either bound is
 * closed as soon as it is accepted, before any of its bytes is read, so a flood costs its file descriptors for
 * microseconds, not for the handshake timeout. Refusals are logged through a {@link RateLimitedLog}.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class HandshakeGate {

    private static final int LOG_EVERY_SECONDS = 10;

    private final String self;
    private final int maxConcurrent;
    private final int maxPerSource;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final RateLimitedLog log = new RateLimitedLog(LazyLogger.of(HandshakeGate.class.getName()),
            LOG_EVERY_SECONDS, TimeUnit.SECONDS);

    HandshakeGate(String self, int maxConcurrent, int maxPerSource) {
        this.self = self;
        this.maxConcurrent = maxConcurrent;
        this.maxPerSource = maxPerSource;
    }

    /**
     * Takes a permit for a handshake from an address.
     *
     * @param remote the dialer's address
     * @return the source key to give back to {@link #exit}, or {@code null} when a bound is reached (the caller
     *     closes the connection)
     */
    InetAddress tryEnter(SocketAddress remote) {
        InetAddress source = remote instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress()
                : InetAddress.getLoopbackAddress();
        if (active.incrementAndGet() > maxConcurrent) {
            active.decrementAndGet();
            refuse(remote, maxConcurrent + " handshakes are in progress (kindling.handshake.max-concurrent)");
            return null;
        }
        boolean[] admitted = {false};
        perSource.compute(source, (address, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            if (current.get() < maxPerSource) {
                current.incrementAndGet();
                admitted[0] = true;
            }
            return current.get() == 0 ? null : current;
        });
        if (!admitted[0]) {
            active.decrementAndGet();
            refuse(remote, maxPerSource + " handshakes from " + source.getHostAddress()
                    + " are in progress (kindling.handshake.max-per-source)");
            return null;
        }
        return source;
    }

    /** Gives back a permit {@link #tryEnter} took. */
    void exit(InetAddress source) {
        perSource.computeIfPresent(source, (address, count) -> count.decrementAndGet() == 0 ? null : count);
        active.decrementAndGet();
    }

    /** {@return the handshakes in progress} */
    int active() {
        return active.get();
    }

    /** {@return the addresses with a handshake in progress} */
    int sources() {
        return perSource.size();
    }

    private void refuse(SocketAddress remote, String why) {
        log.log(System.Logger.Level.WARNING, "Node " + self + " closed an incoming connection from " + remote
                + " before its handshake: " + why + ". A flood, or raise the limit if this is legitimate load");
    }
}
