/**
 * The {@code peer} backend: a pool's runners as child JVMs on this machine, started with the parent's module path
 * and class path, an environment given explicitly, and watchdogs that end them when the parent goes away.
 */
module io.kindling.backend.peer {
    requires transitive io.kindling.api;
    requires java.management;

    exports io.kindling.backend.peer;

    uses io.kindling.api.spi.RunnerEntryPoint;

    provides io.kindling.api.spi.BackendProvider with io.kindling.backend.peer.PeerBackendProvider;
}
