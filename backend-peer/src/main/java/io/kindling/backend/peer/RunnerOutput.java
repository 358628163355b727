package io.kindling.backend.peer;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runner's output, as the parent logs it. The runner's own log lines arrive in a format the backend gives it
 * ({@link #FORMAT_OPTION}) and are logged again at their level, under {@value #LOGGER}, with the runner's name and
 * the runner's logger; what a task prints goes out at INFO; a log record's continuation lines (a stack trace) keep
 * its level; the JVM's start-up chatter (class-data and AOT cache messages, {@code Picked up JAVA_TOOL_OPTIONS: …}
 * with the whole path) is logged at DEBUG only.
 *
 * <p>One instance per runner; its lines come from one thread.
 */
final class RunnerOutput {

    /** The logger the runners' output goes to. */
    static final String LOGGER = "io.kindling.backend.peer.runner";
    private static final System.Logger OUTPUT = System.getLogger(LOGGER);

    /** The runner's JUL format: a marker, the level, the logger, the message and any exception. */
    static final String FORMAT_OPTION = "-Djava.util.logging.SimpleFormatter.format=kindling-log %4$s %3$s: %5$s%6$s%n";

    private static final Pattern RECORD = Pattern.compile("^kindling-log (\\S+) (.*)$");
    private static final Pattern JVM_CHATTER = Pattern.compile(
            "^(Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS):.*|\\[[0-9.]+s\\]\\[\\w+\\]\\[(aot|cds)[^\\]]*\\].*)$");
    /** An exception's first line: its class's qualified name, then its message. */
    private static final Pattern THROWABLE = Pattern.compile("^[\\w$]+(\\.[\\w$]+)+(: .*)?$");
    private static final Map<String, Level> LEVELS = Map.of("SEVERE", Level.ERROR, "WARNING", Level.WARNING,
            "INFO", Level.INFO, "CONFIG", Level.DEBUG, "FINE", Level.DEBUG, "FINER", Level.TRACE, "FINEST",
            Level.TRACE);

    private final String runner;
    private Level continuation;
    /** Whether the previous line was a log record's first: the next may be its exception's first line. */
    private boolean afterRecord;

    RunnerOutput(String runner) {
        this.runner = runner;
    }

    /**
     * Logs one line of the runner's output.
     *
     * @param line the line
     */
    void accept(String line) {
        Classified classified = classify(line);
        OUTPUT.log(classified.level(), "[" + runner + "] " + classified.text());
    }

    /** A line's level and the text to log. */
    record Classified(Level level, String text) {
    }

    Classified classify(String line) {
        Matcher record = RECORD.matcher(line);
        if (record.matches()) {
            Level level = Optional.ofNullable(LEVELS.get(record.group(1))).orElse(Level.INFO);
            continuation = level;
            afterRecord = true;
            return new Classified(level, record.group(2));
        }
        boolean exceptionStart = afterRecord;
        afterRecord = false;
        if (JVM_CHATTER.matcher(line).matches()) {
            continuation = null;
            return new Classified(Level.DEBUG, line);
        }
        boolean stackLine = exceptionStart && THROWABLE.matcher(line).matches() || line.startsWith("\t")
                || line.startsWith("Caused by: ");
        if (!stackLine) {
            continuation = null;
        }
        return new Classified(stackLine && continuation != null ? continuation : Level.INFO, line);
    }
}
