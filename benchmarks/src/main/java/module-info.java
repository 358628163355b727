/** Multi-process benchmarks of Kindling; run with benchmarks/run-rpc. */
module io.kindling.benchmarks {
    requires io.kindling.core;
}
