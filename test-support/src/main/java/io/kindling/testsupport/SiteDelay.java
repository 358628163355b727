package io.kindling.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The delay between the sites of {@link NetworkHosts}: the router's policy routing sends what arrives from one site's
 * bridge for another site into a TUN device ({@code socat} opens it and hands each packet to a {@link DelayRelay} as
 * a UDP datagram on the router's loopback); the relay holds the packet and hands it back, and what comes out of the
 * TUN device is routed by the main table to its bridge. A packet-level delay, so TCP, heartbeats and retransmissions
 * see a slow link, not a slow proxy: the kernel here has no {@code netem}.
 */
final class SiteDelay {

    private static final int RELAY_PORT = 47001;
    private static final int SOCAT_PORT = 47002;
    private static final String TUN = "kdelay";
    private static final String TABLE = "77";

    private final String router;
    private final int sites;
    private final BiFunction<String, List<String>, ChildProcess> execOnRouter;
    private ChildProcess relay;
    private ChildProcess socat;

    /**
     * @param router the router's namespace
     * @param sites how many sites it joins
     * @param execOnRouter starts a command on the router: a label and the command
     */
    SiteDelay(String router, int sites, BiFunction<String, List<String>, ChildProcess> execOnRouter) {
        this.router = router;
        this.sites = sites;
        this.execOnRouter = execOnRouter;
    }

    /** Starts the relay, the TUN device and the routing rules. */
    synchronized void start(Duration mean, Duration jitter) {
        String socatPath = Requires.executable("socat", "socat").toString();
        relay = execOnRouter.apply("delay-relay", ChildProcess.javaCommand(DelayRelay.class, List.of(
                Integer.toString(RELAY_PORT), Integer.toString(SOCAT_PORT),
                Long.toString(mean.toNanos() / 1000), Long.toString(jitter.toNanos() / 1000))));
        NetworkHosts.awaitLine(relay, "RELAY READY");
        socat = execOnRouter.apply("socat-tun", List.of(socatPath, "-b", "65536", "TUN:10.77.254.1/30,tun-name=" + TUN
                + ",iff-up,tun-type=tun,iff-no-pi", "UDP-DATAGRAM:127.0.0.1:" + RELAY_PORT + ",bind=127.0.0.1:"
                + SOCAT_PORT));
        try {
            Await.until("socat's TUN device " + TUN + " in " + router, NetworkHosts.START, socat::output,
                    () -> Commands.attempt(null, List.of("ip", "-n", router, "link", "show", TUN)).status() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        NetworkHosts.sysctl(router, "net.ipv4.conf." + TUN + ".rp_filter=0");
        NetworkHosts.ip(router, "route", "add", "default", "dev", TUN, "table", TABLE);
        for (int from = 0; from < sites; from++) {
            for (int to = 0; to < sites; to++) {
                if (from != to) {
                    NetworkHosts.ip(router, "rule", "add", "iif", NetworkHosts.bridge(from), "to",
                            NetworkHosts.subnet(to), "lookup", TABLE, "pref", Integer.toString(rulePreference(from,
                                    to)));
                }
            }
        }
    }

    private int rulePreference(int from, int to) {
        return 1000 + from * sites + to;
    }

    /** {@return the relay's count, {@code RELAYED <n> DROPPED <n>}} */
    synchronized String stats() {
        if (relay == null) {
            throw new IllegalStateException("no delay is set");
        }
        try {
            return relay.send("stats", NetworkHosts.START, line -> line.startsWith("RELAYED"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Removes the rules and stops the relay and socat, if they run. */
    synchronized void stop() {
        for (int from = 0; from < sites; from++) {
            for (int to = 0; to < sites; to++) {
                if (from != to) {
                    Commands.attempt(null, List.of("ip", "-n", router, "rule", "del", "pref",
                            Integer.toString(rulePreference(from, to))));
                }
            }
        }
        Commands.attempt(null, List.of("ip", "-n", router, "route", "flush", "table", TABLE));
        for (ChildProcess process : Stream.of(socat, relay).filter(p -> p != null).toList()) {
            try {
                process.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (AssertionError e) {
                // killed with the router's namespace
            }
        }
        socat = null;
        relay = null;
    }
}
