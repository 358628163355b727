/**
 * JUnit 5 support: {@link io.kindling.testing.KindlingCluster} gives a test class a real cluster of peer nodes,
 * child JVMs started through the {@code peer} backend, and tears it down after the class, even when tests fail.
 */
module io.kindling.testing {
    requires transitive io.kindling.core;
    requires transitive org.junit.jupiter.api;
    requires io.kindling.backend.peer;

    exports io.kindling.testing;
}
