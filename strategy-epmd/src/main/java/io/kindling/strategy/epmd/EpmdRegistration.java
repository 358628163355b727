package io.kindling.strategy.epmd;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A name registered with a port mapper. It lasts as long as its TCP connection: {@link #close()} unregisters it,
 * and a port mapper that goes away drops it, which {@link #onLost} reports.
 */
public final class EpmdRegistration implements AutoCloseable {

    private final String name;
    private final int port;
    private final long creation;
    private final Socket socket;
    private final String where;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<String> lostListener;
    private volatile String lostReason;

    EpmdRegistration(String name, int port, long creation, Socket socket, String where) {
        this.name = name;
        this.port = port;
        this.creation = creation;
        this.socket = socket;
        this.where = where;
        Thread.ofVirtual().name("kindling-epmd-registration-" + name).start(this::watch);
    }

    /** {@return the registered name} */
    public String name() {
        return name;
    }

    /** {@return the registered port} */
    public int port() {
        return port;
    }

    /** {@return the creation number the port mapper gave} */
    public long creation() {
        return creation;
    }

    /** {@return whether the registration still holds: not closed, and the port mapper still has it} */
    public boolean isActive() {
        return !closed.get() && lostReason == null;
    }

    /**
     * Sets what to do when the port mapper drops the registration (it stopped, or closed the connection). Called
     * once, on a background thread; called at once if it was lost already. Not called after {@link #close()}.
     *
     * @param listener receives the reason
     */
    public void onLost(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        String reason;
        synchronized (this) {
            lostListener = listener;
            reason = lostReason;
        }
        if (reason != null && !closed.get()) {
            listener.accept(reason);
        }
    }

    /** Unregisters the name. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EpmdClient.closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "EpmdRegistration[" + name + " at port " + port + " with " + where + ", creation " + creation + "]";
    }

    private void watch() {
        String reason;
        try (InputStream in = socket.getInputStream()) {
            byte[] discard = new byte[64];
            while (in.read(discard) >= 0) {
                // a port mapper sends nothing more on a registration connection
            }
            reason = "the port mapper at " + where + " closed the registration connection";
        } catch (IOException e) {
            reason = "the registration connection to " + where + " failed: " + e.getMessage();
        }
        if (closed.get()) {
            return;
        }
        Consumer<String> listener;
        synchronized (this) {
            lostReason = reason;
            listener = lostListener;
        }
        if (listener != null) {
            listener.accept(reason);
        }
    }
}
