package io.kindling.api.spi;

import io.kindling.api.NodeName;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** A runner a backend started. Thread-safe. */
public interface RunnerHandle {

    /** {@return the runner's node name} */
    NodeName name();

    /** {@return completes when the runner has stopped, for whatever reason} */
    CompletableFuture<Exit> onExit();

    /**
     * Stops the runner: asks it to end, and forces it after the grace period.
     *
     * @param grace how long it may take to end by itself
     */
    void stop(Duration grace);

    /** {@return the last lines the runner printed, for boot error messages; none by default} */
    default List<String> recentOutput() {
        return List.of();
    }

    /**
     * When the runner reached each boot phase it reported, measured from the start of its boot, in the order
     * reached: for JFR's {@code kindling.RunnerBoot} event.
     *
     * @return phase to time; empty when the backend does not know
     */
    default java.util.Map<String, Duration> bootPhaseTimes() {
        return java.util.Map.of();
    }

    /**
     * The last boot phase the runner reported, for a boot error: for example {@code "started"} (the process runs)
     * or {@code "node and extensions started"}.
     *
     * @return the phase; empty when the backend does not know
     */
    default java.util.Optional<String> bootPhase() {
        return java.util.Optional.empty();
    }

    /**
     * How a runner ended.
     *
     * @param exitCode the process exit code, when the runner was a process
     * @param reason in words
     */
    record Exit(OptionalInt exitCode, String reason) {
    }
}
