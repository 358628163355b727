package io.kindling.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short commands a test runs to the end ({@code ip}, {@code nft}, {@code kill}): each bounded by a timeout. */
public final class Commands {

    /** How long one command may take. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Commands() {
    }

    /**
     * Runs a command to its end.
     *
     * @param command the program and its arguments
     * @return what it printed, standard error merged
     * @throws AssertionError with the command and its output if it exits with another status than 0 or runs past
     *     20 s
     */
    public static String run(String... command) {
        return run(null, List.of(command));
    }

    /**
     * Runs a command to its end with a text on its standard input, as {@code nft -f -} takes a rule set.
     *
     * @param input its standard input, or null for none
     * @param command the program and its arguments
     * @return what it printed, standard error merged
     * @throws AssertionError with the command and its output if it exits with another status than 0 or runs past
     *     20 s
     */
    public static String run(String input, List<String> command) {
        Result result = attempt(input, command);
        if (result.status() != 0) {
            throw new AssertionError("'" + String.join(" ", command) + "' failed (status " + result.status() + "): "
                    + result.output().strip() + (input == null ? "" : "\ninput:\n" + input));
        }
        return result.output();
    }

    /**
     * What a command printed and its exit status.
     *
     * @param status its exit status; -1 if it ran past its timeout and was killed
     * @param output what it printed, standard error merged
     */
    public record Result(int status, String output) {
    }

    /**
     * Runs a command to its end and returns its status too, for commands whose failure is an answer (does this
     * namespace exist?).
     *
     * @param input its standard input, or null for none
     * @param command the program and its arguments
     * @return its status and output
     * @throws UncheckedIOException if it cannot start
     */
    public static Result attempt(String input, List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            try {
                if (input != null) {
                    process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
                }
                process.getOutputStream().close();
                // a reader on a virtual thread, so a command that never ends cannot hold this one past the timeout
                StringBuilder output = new StringBuilder();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        synchronized (output) {
                            output.append(text);
                        }
                    } catch (IOException e) {
                        // the process was killed
                    }
                });
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, "(no end within " + TIMEOUT.toSeconds() + " s)");
                }
                reader.join(TIMEOUT.toMillis());
                synchronized (output) {
                    return new Result(process.exitValue(), output.toString());
                }
            } finally {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }
}
