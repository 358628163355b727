package io.kindling.core.internal;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that looks up its logger on first use, for the static {@code LOG} fields of core's
 * classes.
 *
 * <p>Why: the first {@code System.getLogger} of a JVM finds the {@code LoggerFinder} with a {@code ServiceLoader}
 * that also searches the class path, and that search opens every jar of the module path: about 20 ms in a fresh
 * runner JVM with 36 modules, before its first line of {@code main}, for a runner that logs nothing until its first
 * call has run. With this, the look-up happens when something is first logged (or its level asked).
 *
 * <p>Log records keep their real source: the JDK's caller inference skips frames of classes that implement
 * {@code System.Logger}, as this one does. The logger is looked up as {@code io.kindling.core}'s.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class LazyLogger implements System.Logger {

    private final String name;
    private volatile System.Logger logger;

    private LazyLogger(String name) {
        this.name = name;
    }

    /**
     * {@return a logger that looks {@code System.getLogger(name)} up on first use}
     *
     * @param name the logger's name
     */
    public static System.Logger of(String name) {
        return new LazyLogger(name);
    }

    private System.Logger logger() {
        System.Logger found = logger;
        if (found == null) {
            found = System.getLogger(name);
            logger = found;
        }
        return found;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        logger().log(level, bundle, message, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        logger().log(level, bundle, format, params);
    }
}
