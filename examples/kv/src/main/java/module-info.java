/**
 * The distributed key-value store of Elixir's "Configuration and releases" guide, in Kindling: buckets on nodes, a
 * router (a routing table from configuration, or consistent hashing), and the guide's text protocol server.
 */
module io.kindling.examples.kv {
    requires io.kindling.core;

    exports io.kindling.examples.kv;
    // Kindling resolves the store's lambdas directly instead of by a reflective lookup per call.
    opens io.kindling.examples.kv to io.kindling.core;
}
