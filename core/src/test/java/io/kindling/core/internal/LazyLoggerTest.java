package io.kindling.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Core's lazily looked-up loggers log like {@code System.getLogger}'s own: same logger, levels honoured, and the
 * record's source is the calling class and method, not the wrapper.
 */
class LazyLoggerTest {

    @Test
    void recordsKeepTheirLevelMessageAndRealSource() {
        String name = "io.kindling.test.lazy." + System.nanoTime();
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(name);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                record.getSourceClassName(); // inferred now, on the logging thread, as a formatter would
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
        jul.setLevel(java.util.logging.Level.INFO);
        try {
            System.Logger log = LazyLogger.of(name);
            assertEquals(name, log.getName());
            assertFalse(log.isLoggable(Level.DEBUG));
            assertTrue(log.isLoggable(Level.WARNING));
            log.log(Level.DEBUG, "not logged");
            log.log(Level.WARNING, "logged {0}", "here");
            log.log(Level.ERROR, "failed", new IllegalStateException("boom"));
            assertEquals(2, records.size(), records.toString());
            LogRecord warning = records.get(0);
            assertEquals(java.util.logging.Level.WARNING, warning.getLevel());
            assertEquals(LazyLoggerTest.class.getName(), warning.getSourceClassName());
            assertEquals("recordsKeepTheirLevelMessageAndRealSource", warning.getSourceMethodName());
            assertEquals("boom", records.get(1).getThrown().getMessage());
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void coreLooksNoLoggerUpAtClassInitialization() throws Exception {
        // A runner's boot must not find the LoggerFinder (it opens every jar): core's classes use LazyLogger.
        java.nio.file.Path sources = java.nio.file.Path.of("src", "main", "java");
        List<String> offenders;
        try (var files = java.nio.file.Files.walk(sources)) {
            offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.getFileName().toString().equals("LazyLogger.java"))
                    .filter(file -> {
                        try {
                            return java.nio.file.Files.readString(file).contains("System.getLogger(");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(Object::toString).toList();
        }
        assertTrue(offenders.isEmpty(), "use LazyLogger.of(...) instead of System.getLogger(...) in " + offenders);
    }
}
