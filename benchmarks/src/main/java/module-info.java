/** Multi-process benchmarks of Kindling; run with benchmarks/run-rpc. */
module io.kindling.benchmarks {
    requires io.kindling.core;
    // TestPki: the throwaway certificates of the tls runs
    requires io.kindling.testsupport;
    // Lets Kindling call $deserializeLambda$ directly instead of through SerializedLambda.readResolve's reflective
    // lookup on each call: what docs/ARCHITECTURE.md advises a named module to do for speed.
    opens io.kindling.benchmarks to io.kindling.core;
}
