/**
 * What Kindling's own tests share, below every Kindling module (OpenTelemetry's {@code testing-internal}): closing
 * what a test opened, waiting on conditions with deadlines, child JVMs with their output lines, what a test needs of
 * the machine, and a headless browser. Not published.
 */
module io.kindling.testsupport {
    requires transitive org.junit.jupiter.api;
    // HeadlessChromium talks to the browser over the DevTools protocol (HTTP and WebSocket)
    requires java.net.http;

    exports io.kindling.testsupport;
}
