/** The {@code kindling} command line: {@code node}, {@code ping} and {@code nodes}. */
module io.kindling.cli {
    requires io.kindling.core;
    requires info.picocli;

    // picocli reads the command classes' annotations and sets their fields reflectively.
    opens io.kindling.cli to info.picocli;
}
