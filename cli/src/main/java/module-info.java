/**
 * The {@code kindling} command line: {@code node}, {@code ping}, {@code nodes}, {@code names}, {@code info} and
 * {@code observer}.
 */
module io.kindling.cli {
    requires io.kindling.core;
    // observer: the management module's page and endpoints; JSON output
    requires io.kindling.management;
    requires jdk.httpserver;
    // names, and targets without a port: the port mapper client
    requires io.kindling.strategy.epmd;
    requires info.picocli;
    // client commands silence the client node's log lines unless -v
    requires java.logging;
    // sun.misc.Signal: SIGTERM closes the node and exits 0
    requires jdk.unsupported;

    // picocli reads the command classes' annotations and sets their fields reflectively.
    opens io.kindling.cli to info.picocli;
}
