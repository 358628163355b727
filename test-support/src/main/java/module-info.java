/**
 * What Kindling's own tests share, below every Kindling module (OpenTelemetry's {@code testing-internal}): closing
 * what a test opened, waiting on conditions with deadlines, child JVMs with their output lines, what a test needs of
 * the machine, a headless browser, and what one fuzz input may cost. Not published.
 */
module io.kindling.testsupport {
    requires transitive org.junit.jupiter.api;
    // HeadlessChromium talks to the browser over the DevTools protocol (HTTP and WebSocket)
    requires java.net.http;
    // FuzzBudget counts a thread's allocation (com.sun.management.ThreadMXBean)
    requires jdk.management;

    exports io.kindling.testsupport;
}
