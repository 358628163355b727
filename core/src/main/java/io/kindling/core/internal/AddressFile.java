package io.kindling.core.internal;

import io.kindling.api.NodeAddress;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The file a node publishes its address in ({@code kindling.node.address-file}): {@code name@host:port}, written
 * atomically once the node listens, so that tools on the same host (a release's {@code rpc}) find a node whose port
 * was chosen at start. Its modification time is refreshed every second while the node runs, a liveness signal a
 * release's heart watches; {@link #close} deletes it.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class AddressFile implements AutoCloseable {

    private static final System.Logger LOG = LazyLogger.of(AddressFile.class.getName());

    private final Path path;
    private final ScheduledFuture<?> touch;

    private AddressFile(Path path, ScheduledFuture<?> touch) {
        this.path = path;
        this.touch = touch;
    }

    /**
     * Writes the file and starts refreshing it.
     *
     * @param path where
     * @param address the node's address
     * @param timer runs the refresh
     * @return the published file
     * @throws IOException if it cannot be written
     */
    public static AddressFile publish(Path path, NodeAddress address, ScheduledExecutorService timer)
            throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, ".address", ".tmp");
        Files.writeString(temporary, address + "\n");
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new AddressFile(path, timer.scheduleAtFixedRate(() -> {
            try {
                Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Could not refresh " + path + ": " + e);
            }
        }, 1, 1, TimeUnit.SECONDS));
    }

    /** Stops the refresh and deletes the file. */
    @Override
    public void close() {
        touch.cancel(false);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not delete " + path + ": " + e);
        }
    }
}
