package io.kindling.core.internal.wire;

import io.kindling.api.spi.Transport;
import io.kindling.core.internal.LazyLogger;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Accepts connections from a listener until its node closes, handing each to a consumer. A failed accept (out of
 * file descriptors, of buffers…) never ends the loop: it backs off, from {@value #BACKOFF_MIN_MS} ms doubling to
 * {@value #BACKOFF_MAX_MS} ms, and tries again; the first success resets the back-off. The first failure of a run
 * is logged at ERROR, the others at DEBUG, and the recovery at INFO.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class AcceptLoop implements Runnable {

    private static final System.Logger LOG = LazyLogger.of(AcceptLoop.class.getName());
    private static final long BACKOFF_MIN_MS = 10;
    private static final long BACKOFF_MAX_MS = 1_000;

    private final String self;
    private final Transport.Listener listener;
    private final BooleanSupplier closed;
    private final Consumer<Transport.Connection> accepted;

    AcceptLoop(String self, Transport.Listener listener, BooleanSupplier closed,
            Consumer<Transport.Connection> accepted) {
        this.self = self;
        this.listener = listener;
        this.closed = closed;
        this.accepted = accepted;
    }

    @Override
    public void run() {
        long backoff = BACKOFF_MIN_MS;
        long failures = 0;
        while (!closed.getAsBoolean()) {
            Transport.Connection raw;
            try {
                raw = listener.accept();
            } catch (IOException | RuntimeException e) {
                if (closed.getAsBoolean()) {
                    return;
                }
                if (failures++ == 0) {
                    LOG.log(Level.ERROR, "Node " + self + " could not accept a connection: " + e.getMessage()
                            + "; retrying with back-off (the next failures are logged at DEBUG until one succeeds)");
                } else {
                    LOG.log(Level.DEBUG, "Accept failed again: " + e.getMessage());
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
                continue;
            }
            if (failures > 0) {
                LOG.log(Level.INFO, "Node " + self + " accepts connections again after " + failures
                        + " failed attempts");
                failures = 0;
                backoff = BACKOFF_MIN_MS;
            }
            accepted.accept(raw);
        }
    }
}
