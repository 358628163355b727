/** Multi-process benchmarks of Kindling; each has a script in benchmarks/ (run-rpc, run-mesh, …). */
module io.kindling.benchmarks {
    requires io.kindling.core;
    // TestPki: the throwaway certificates of the tls runs
    requires io.kindling.testsupport;
    // MeshHost: heap and thread counts of a mesh JVM
    requires java.management;
    // Lets Kindling call $deserializeLambda$ directly instead of through SerializedLambda.readResolve's reflective
    // lookup on each call: what docs/ARCHITECTURE.md advises a named module to do for speed.
    opens io.kindling.benchmarks to io.kindling.core;
}
