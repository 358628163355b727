package io.kindling.cli;

/**
 * SIGTERM and SIGINT as a request to stop cleanly: the command closes its node and exits 0, where the JVM's own
 * handling would exit 143 or 130 after its shutdown hooks.
 */
final class Signals {

    private Signals() {
    }

    /**
     * Runs the action on SIGTERM or SIGINT instead of the JVM's default.
     *
     * @param action what to do; it runs on the JVM's signal thread and must return quickly
     */
    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
        }
    }
}
