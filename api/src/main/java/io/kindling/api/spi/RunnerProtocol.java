package io.kindling.api.spi;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a runner process starts: the one definition of the contract between a process backend (such as
 * {@code backend-peer}) and the runner entry point that core provides ({@link RunnerEntryPoint}).
 *
 * <ol>
 *   <li>The backend starts the entry point's class and writes the spec to the process's standard input with
 *       {@link #encode}: {@code key=value} lines ending with an empty line, each value with its backslashes,
 *       newlines and carriage returns escaped ({@code \\}, {@code \n}, {@code \r}) and nothing else. The cookie
 *       travels only there, never on a command line.</li>
 *   <li>The runner prints {@link #phaseLine} lines on its standard output as it boots ({@link #PHASE_STARTED},
 *       {@link #PHASE_EXTENSIONS}, {@link #PHASE_CONNECTED}); a backend reads them back with {@link #phaseOf}.
 *       When it cannot boot it prints a {@link #failureLine} and exits with {@link #EXIT_BOOT_FAILED}.</li>
 *   <li>Closing the runner's standard input asks it to stop; it exits with {@link #EXIT_PARENT_LOST} when its
 *       parent process or node goes away, and with 0 when it stops by itself (idle) or on request.</li>
 * </ol>
 * A runner node carries the attributes {@link #POOL_ATTRIBUTE} and {@link #PARENT_ATTRIBUTE}; their arrival at
 * the parent is "ready".
 */
public final class RunnerProtocol {

    /** The attribute naming the pool a runner belongs to. */
    public static final String POOL_ATTRIBUTE = "kindling.runner.pool";
    /** The attribute naming a runner's parent node. */
    public static final String PARENT_ATTRIBUTE = "kindling.runner.parent";

    /** The phase a runner process reports first: its JVM runs. */
    public static final String PHASE_STARTED = "started";
    /** The phase after the runner's node and its extensions started. */
    public static final String PHASE_EXTENSIONS = "node and extensions started";
    /** The phase after the runner connected to its parent: it is ready. */
    public static final String PHASE_CONNECTED = "connected";

    /** Exit code of a runner process that could not boot. */
    public static final int EXIT_BOOT_FAILED = 3;
    /** Exit code of a runner process whose parent went away. */
    public static final int EXIT_PARENT_LOST = 4;

    private static final String PHASE_PREFIX = "kindling-runner: phase ";
    private static final String FAILED_PREFIX = "kindling-runner: failed: ";

    private static final String NAME = "name";
    private static final String PARENT = "parent";
    private static final String POOL = "pool";
    private static final String COOKIE = "cookie";
    private static final String BOOT_TIMEOUT_MS = "boot-timeout-ms";
    private static final String EXTENSIONS = "extensions";
    private static final String IDLE_TIMEOUT_MS = "idle-timeout-ms";
    private static final String PARENT_PID = "parent-pid";
    /** The prefix of the parent's configuration lines: {@code setting.kindling.heartbeat.timeout=5s}. */
    private static final String SETTING = "setting.";

    private RunnerProtocol() {
    }

    /**
     * What a runner process reads on its standard input.
     *
     * @param spec the runner's spec; its environment is not included (the backend sets the process environment)
     * @param parentPid the parent process the runner watches, if any
     */
    public record Start(RunnerSpec spec, OptionalLong parentPid) {
    }

    /**
     * Writes a spec as the runner reads it: {@code key=value} lines and a closing empty line.
     *
     * @param spec the spec
     * @param parentPid the parent's process id, which the runner watches; empty for none
     * @return the text to write to the runner's standard input
     */
    public static String encode(RunnerSpec spec, OptionalLong parentPid) {
        StringBuilder text = new StringBuilder();
        line(text, NAME, spec.runnerName().toString());
        line(text, PARENT, spec.parent().toString());
        line(text, POOL, spec.poolName());
        line(text, COOKIE, spec.cookie());
        line(text, BOOT_TIMEOUT_MS, Long.toString(spec.bootTimeout().toMillis()));
        line(text, EXTENSIONS, String.join(",", spec.extensions()));
        line(text, IDLE_TIMEOUT_MS, Long.toString(spec.idleTimeout().toMillis()));
        parentPid.ifPresent(pid -> line(text, PARENT_PID, Long.toString(pid)));
        new java.util.TreeMap<>(spec.settings()).forEach((key, value) -> line(text, SETTING + key, value));
        return text.append('\n').toString();
    }

    /**
     * Reads what {@link #encode} wrote, up to its closing empty line.
     *
     * @param in the runner's standard input
     * @return the spec (with an empty environment) and the parent's process id
     * @throws IOException if the input ends before the closing empty line, or cannot be read
     * @throws IllegalArgumentException if a key is missing or a value is malformed; the message names it
     */
    public static Start decode(BufferedReader in) throws IOException {
        Map<String, String> values = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("a spec line is not key=value: '" + abbreviate(line) + "'");
            }
            values.put(line.substring(0, equals), unescape(line.substring(equals + 1)));
        }
        if (line == null) {
            throw new IOException("standard input ended before the runner spec's closing empty line");
        }
        RunnerSpec spec = new RunnerSpec(NodeName.parse(required(values, NAME)),
                NodeAddress.parse(required(values, PARENT)), required(values, COOKIE), required(values, POOL),
                Map.of(), Duration.ofMillis(number(values, BOOT_TIMEOUT_MS, null)),
                names(values.getOrDefault(EXTENSIONS, "")),
                Duration.ofMillis(number(values, IDLE_TIMEOUT_MS, 0L)), carried(values));
        String pid = values.getOrDefault(PARENT_PID, "").trim();
        return new Start(spec, pid.isEmpty() ? OptionalLong.empty() : OptionalLong.of(number(values, PARENT_PID,
                null)));
    }

    /**
     * {@return the line a runner prints when it reaches a phase}
     *
     * @param phase one of the {@code PHASE_} constants
     */
    public static String phaseLine(String phase) {
        return PHASE_PREFIX + phase;
    }

    /**
     * {@return the line a runner prints when it cannot boot, on one line}
     *
     * @param reason why
     */
    public static String failureLine(String reason) {
        return FAILED_PREFIX + reason.replace('\n', ' ');
    }

    /**
     * {@return the phase a line of runner output reports, if it is a phase line}
     *
     * @param line a line the runner printed
     */
    public static Optional<String> phaseOf(String line) {
        return line.startsWith(PHASE_PREFIX) ? Optional.of(line.substring(PHASE_PREFIX.length())) : Optional.empty();
    }

    /**
     * {@return the boot failure a line of runner output reports, if it is a failure line}
     *
     * @param line a line the runner printed
     */
    public static Optional<String> failureOf(String line) {
        return line.startsWith(FAILED_PREFIX) ? Optional.of(line.substring(FAILED_PREFIX.length()))
                : Optional.empty();
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"))
                .append('\n');
    }

    /**
     * The names of a comma-separated list, trimmed, blanks dropped. A loop, not a stream: this runs in a fresh
     * runner JVM, where the stream framework's first use costs about 3 ms of its boot.
     */
    private static List<String> names(String list) {
        List<String> names = new java.util.ArrayList<>();
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            if (!trimmed.isEmpty()) {
                names.add(trimmed);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Undoes {@link #line}'s escapes ({@code \\}, {@code \n}, {@code \r}) and nothing else, so a value comes back
     * exactly as it was written, leading spaces included.
     */
    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = ++i < value.length() ? value.charAt(i) : ' ';
            out.append(switch (next) {
                case '\\' -> '\\';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("a spec value has an unknown escape: '"
                        + abbreviate(value) + "'");
            });
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    private static Map<String, String> carried(Map<String, String> values) {
        Map<String, String> carried = new HashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(SETTING)) {
                carried.put(key.substring(SETTING.length()), value);
            }
        });
        return carried;
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value.trim();
    }

    private static long number(Map<String, String> values, String key, Long defaultValue) {
        String value = values.getOrDefault(key, "").trim();
        if (value.isEmpty() && defaultValue != null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(required(values, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' = '" + value + "' is not a whole number");
        }
    }
}
