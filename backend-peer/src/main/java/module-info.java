/**
 * The process backends: {@code peer}, a pool's runners as child JVMs on this machine, started with the parent's
 * module path and class path, an environment given explicitly, and watchdogs that end them when the parent goes
 * away; and {@code ssh}, runners on other hosts started through the OpenSSH client, with the same boot phases and
 * orphan guarantees.
 */
module io.kindling.backend.peer {
    requires transitive io.kindling.api;
    requires java.management;

    exports io.kindling.backend.peer;

    uses io.kindling.api.spi.RunnerEntryPoint;

    provides io.kindling.api.spi.BackendProvider with io.kindling.backend.peer.PeerBackendProvider,
            io.kindling.backend.peer.SshBackendProvider;
}
