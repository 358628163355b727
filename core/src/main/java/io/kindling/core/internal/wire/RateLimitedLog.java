package io.kindling.core.internal.wire;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log line that an attacker can trigger at will (a refused connection, a failed handshake): written at most once
 * per interval, saying how many like it were not written. The others go to DEBUG. A flood of bad connections then
 * costs a few lines, not a full disk.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class RateLimitedLog {

    private final System.Logger logger;
    private final long intervalNanos;
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());

    RateLimitedLog(System.Logger logger, long interval, TimeUnit unit) {
        this.logger = logger;
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Logs the message at {@code level} if none was in this interval, else counts it (and logs it at DEBUG).
     *
     * @param level the level of a line that is written
     * @param message the line
     */
    void log(Level level, String message) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            logger.log(level, skipped == 0 ? message : message + " (" + skipped + " similar message(s) in the last "
                    + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s are at DEBUG)");
        } else {
            suppressed.incrementAndGet();
            logger.log(Level.DEBUG, message);
        }
    }
}
