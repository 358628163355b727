/**
 * What Kindling's own tests share, below every Kindling module (OpenTelemetry's {@code testing-internal}): closing
 * what a test opened, waiting on conditions with deadlines, and child JVMs with their output lines. Not published.
 */
module io.kindling.testsupport {
    requires transitive org.junit.jupiter.api;

    exports io.kindling.testsupport;
}
