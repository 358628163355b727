package io.kindling.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hosts on one machine: Linux network namespaces, each with its own address, for tests of what crosses a network.
 *
 * <p>The hosts sit on one or more <em>sites</em>. A site is a bridge in a router namespace; site {@code s} (from 0)
 * is {@code 10.77.<s+1>.0/24}, its gateway {@code 10.77.<s+1>.1} is the router, and host {@code i} (from 1, counted
 * over all sites) is {@code 10.77.<s+1>.<10+i>}. Hosts of one site reach each other over the bridge; hosts of two
 * sites through the router, where {@link #delay} can hold every packet. None of it is visible outside the
 * namespaces: the test JVM reaches the hosts only through the processes it starts in them ({@link #java},
 * {@link #exec}). A {@code dnsmasq} on the router answers for {@code kindling.test}: {@code h<i>.kindling.test} is
 * host {@code i}, {@code hosts.kindling.test} every host, {@code site<s>.kindling.test} the hosts of a site; every
 * host's {@code /etc/resolv.conf} ({@code ip netns exec} mounts {@code /etc/netns/<namespace>/resolv.conf}) names it.
 *
 * <p>Links are degraded and cut with nftables in the hosts ({@link #loss}, {@link #cut}, {@link #heal}): a cut
 * drops what arrives from the far side, so the near side sees silence, as on a real partition, not an error.
 *
 * <p>{@link #close} kills every process in the namespaces and removes everything it made; a shutdown hook does too
 * if the JVM ends first, and {@link #create} removes what an earlier JVM left behind when it was killed. Needs root,
 * iproute2, nftables and dnsmasq; {@link #delay} needs socat. A test that creates hosts calls
 * {@link #requireTools()} first, so that it is skipped (or, under CI's strict setting, fails) with a clear message
 * where they are missing.
 */
public final class NetworkHosts implements AutoCloseable {

    /** Names of namespaces this class makes: {@code kindling-<pid>-<n>-<role>}. */
    private static final Pattern OURS = Pattern.compile("^(kindling-(\\d+)-\\d+)-(r|h\\d+)$");
    private static final AtomicInteger CREATED = new AtomicInteger();
    private static final String DOMAIN = "kindling.test";
    /** How long a process started here may take to print a line it must print. */
    static final Duration START = Duration.ofSeconds(30);

    /**
     * One host.
     *
     * @param index its number, from 1
     * @param site its site, from 0
     * @param namespace its network namespace
     * @param address its IPv4 address
     */
    public record Host(int index, int site, String namespace, String address) {

        /** {@return its DNS name, {@code h<index>.kindling.test}} */
        public String dnsName() {
            return "h" + index + "." + DOMAIN;
        }

        @Override
        public String toString() {
            return "h" + index + "(" + address + ")";
        }
    }

    private final String prefix;
    private final String router;
    private final List<Host> hosts;
    private final int sites;
    private final Path dir;
    private final List<ChildProcess> processes = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private final SiteDelay delay;
    private boolean closed;

    private NetworkHosts(String prefix, int[] hostsPerSite, Path dir) {
        this.prefix = prefix;
        this.router = prefix + "-r";
        this.sites = hostsPerSite.length;
        this.dir = dir;
        List<Host> all = new ArrayList<>();
        for (int site = 0; site < hostsPerSite.length; site++) {
            for (int k = 0; k < hostsPerSite[site]; k++) {
                int index = all.size() + 1;
                all.add(new Host(index, site, prefix + "-h" + index, "10.77." + (site + 1) + "." + (10 + index)));
            }
        }
        this.hosts = List.copyOf(all);
        this.shutdownHook = new Thread(this::removeAll, "network-hosts-cleanup");
        this.delay = new SiteDelay(router, sites, (label, command) -> execIn(router, label, command, Map.of()));
    }

    /**
     * Skips (or, under {@value Requires#STRICT}, fails) the test unless this machine can make hosts: root,
     * iproute2, nftables and dnsmasq.
     */
    public static void requireTools() {
        Requires.root("creates network namespaces, a bridge and nftables rules");
        Requires.executable("ip", "iproute2");
        Requires.executable("nft", "nftables");
        Requires.executable("dnsmasq", "dnsmasq-base");
    }

    /**
     * Creates the hosts, their sites, the router and its DNS server.
     *
     * @param hostsPerSite how many hosts each site has, e.g. {@code 2, 1} for two sites with hosts 1 and 2 on the
     *     first and host 3 on the second
     * @return the hosts, ready
     * @throws AssertionError if a step fails; what was made is removed first
     */
    public static NetworkHosts create(int... hostsPerSite) {
        if (hostsPerSite.length == 0 || hostsPerSite.length > 200 || Arrays.stream(hostsPerSite).anyMatch(n -> n < 0)
                || Arrays.stream(hostsPerSite).sum() > 200 || Arrays.stream(hostsPerSite).sum() == 0) {
            throw new IllegalArgumentException("1 to 200 hosts on 1 to 200 sites, not "
                    + Arrays.toString(hostsPerSite));
        }
        removeLeftovers();
        String prefix = "kindling-" + ProcessHandle.current().pid() + "-" + CREATED.incrementAndGet();
        Path dir;
        try {
            dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NetworkHosts network = new NetworkHosts(prefix, hostsPerSite, dir);
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try {
            network.build();
            return network;
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private void build() {
        Commands.run("ip", "netns", "add", router);
        ip(router, "link", "set", "lo", "up");
        sysctl(router, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                "net.ipv4.conf.default.rp_filter=0");
        for (int site = 0; site < sites; site++) {
            ip(router, "link", "add", bridge(site), "type", "bridge");
            ip(router, "addr", "add", gateway(site) + "/24", "dev", bridge(site));
            ip(router, "link", "set", bridge(site), "up");
        }
        for (Host host : hosts) {
            Commands.run("ip", "netns", "add", host.namespace());
            ip(host.namespace(), "link", "set", "lo", "up");
            String port = "p" + host.index();
            Commands.run("ip", "link", "add", "eth0", "netns", host.namespace(), "type", "veth", "peer", "name",
                    port, "netns", router);
            ip(router, "link", "set", port, "master", bridge(host.site()), "up");
            ip(host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
            ip(host.namespace(), "link", "set", "eth0", "up");
            ip(host.namespace(), "route", "add", "default", "via", gateway(host.site()));
            writeResolvConf(host);
        }
        startDns();
    }

    private void writeResolvConf(Host host) {
        try {
            Path etc = Path.of("/etc/netns", host.namespace());
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "nameserver " + gateway(host.site()) + "\nsearch "
                    + DOMAIN + "\noptions timeout:1 attempts:2\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write /etc/netns/" + host.namespace() + "/resolv.conf", e);
        }
    }

    private void startDns() {
        String executable = Requires.executable("dnsmasq", "dnsmasq-base").toString();
        List<String> records = new ArrayList<>();
        for (Host host : hosts) {
            records.add(host.address() + " " + host.dnsName() + " hosts." + DOMAIN + " site" + host.site() + "."
                    + DOMAIN);
        }
        List<String> config = new ArrayList<>(List.of("no-resolv", "no-hosts", "no-daemon", "bind-interfaces",
                "port=53", "local=/" + DOMAIN + "/", "addn-hosts=" + dir.resolve("hosts"), "user=root",
                "log-facility=-"));
        for (int site = 0; site < sites; site++) {
            config.add("listen-address=" + gateway(site));
        }
        try {
            Files.write(dir.resolve("hosts"), records);
            Files.write(dir.resolve("dnsmasq.conf"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildProcess dns = execIn(router, "dnsmasq", List.of(executable, "--conf-file=" + dir.resolve("dnsmasq.conf"),
                "--pid-file=" + dir.resolve("dnsmasq.pid")), Map.of());
        try {
            dns.awaitLine(START, line -> line.contains("read " + dir.resolve("hosts")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while dnsmasq started", e);
        }
    }

    /** {@return every host, by index} */
    public List<Host> hosts() {
        return hosts;
    }

    /**
     * One host.
     *
     * @param index its number, from 1
     * @return the host
     */
    public Host host(int index) {
        return hosts.get(index - 1);
    }

    /** {@return the DNS server every host uses, on the router: the gateway of site 0} */
    public String dnsServer() {
        return gateway(0);
    }

    /**
     * Starts a process on a host; it is killed at {@link #close} if still running.
     *
     * @param host where
     * @param label a name for messages
     * @param command the program and its arguments
     * @param environment variables to add (see {@link ChildProcess#start})
     * @return the process
     */
    public ChildProcess exec(Host host, String label, List<String> command, Map<String, String> environment) {
        return execIn(host.namespace(), label, command, environment);
    }

    /**
     * Starts a JVM on a host, as {@link ChildProcess#java} does; it is killed at {@link #close} if still running.
     *
     * @param host where
     * @param label a name for messages
     * @param mainClass the class whose {@code main} runs
     * @param arguments its arguments
     * @return the process
     */
    public ChildProcess java(Host host, String label, Class<?> mainClass, List<String> arguments) {
        return exec(host, label, ChildProcess.javaCommand(mainClass, arguments), Map.of());
    }

    private ChildProcess execIn(String namespace, String label, List<String> command, Map<String, String> env) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        try {
            ChildProcess process = ChildProcess.start(label, full, env);
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label + " in " + namespace, e);
        }
    }

    /**
     * Cuts two groups of hosts apart: each drops every packet from the other, silently, as a partition does. Cuts
     * add up until {@link #heal}.
     *
     * @param side one group
     * @param other the other group
     */
    public void cut(Collection<Host> side, Collection<Host> other) {
        for (Host host : side) {
            dropFrom(host, other);
        }
        for (Host host : other) {
            dropFrom(host, side);
        }
    }

    private void dropFrom(Host host, Collection<Host> from) {
        String addresses = from.stream().map(Host::address).collect(Collectors.joining(", "));
        nft(host, "table inet kindling_cut {\n  chain input {\n    type filter hook input priority -10; "
                + "policy accept;\n    ip saddr { " + addresses + " } drop\n  }\n}\n");
    }

    /** Removes every cut: packets flow again between all hosts. */
    public void heal() {
        for (Host host : hosts) {
            deleteTable(host, "kindling_cut");
        }
    }

    /**
     * Drops a share of the packets every host receives from other hosts, at random (nftables' {@code numgen}), or
     * none with 0.
     *
     * @param percent the share, 0 to 100
     */
    public void loss(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss must be 0 to 100 %, not " + percent);
        }
        for (Host host : hosts) {
            deleteTable(host, "kindling_loss");
            if (percent > 0) {
                nft(host, "table inet kindling_loss {\n  chain input {\n    type filter hook input priority -5; "
                        + "policy accept;\n    ip saddr 10.77.0.0/16 ip saddr != " + host.address()
                        + " numgen random mod 100 < " + percent + " drop\n  }\n}\n");
            }
        }
    }

    /**
     * Holds every packet that crosses from one site to another for {@code mean} plus or minus {@code jitter}
     * (uniform), through a {@link DelayRelay} on the router (see {@link SiteDelay}). Packets within a site are not
     * delayed. Replaces an earlier delay; {@link Duration#ZERO} removes it.
     *
     * @param mean the mean one-way delay
     * @param jitter how far one packet's delay may be from the mean, at most {@code mean}
     */
    public void delay(Duration mean, Duration jitter) {
        if (mean.isNegative() || jitter.isNegative() || jitter.compareTo(mean) > 0) {
            throw new IllegalArgumentException("need 0 <= jitter <= mean, not " + mean + " ± " + jitter);
        }
        delay.stop();
        if (!mean.isZero()) {
            delay.start(mean, jitter);
        }
    }

    /**
     * Asks the delay relay how many packets it relayed and dropped.
     *
     * @return its answer, {@code RELAYED <n> DROPPED <n>}
     * @throws IllegalStateException if no delay is set
     */
    public String delayStats() {
        return delay.stats();
    }

    /** Kills every process on the hosts and removes the namespaces, the resolver files and the temporary files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs this too
        }
        removeAll();
    }

    private void removeAll() {
        for (ChildProcess process : processes) {
            kill(process);
        }
        removeNamespaces(prefix);
        try {
            TempFiles.deleteTree(dir);
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    private static void kill(ChildProcess process) {
        try {
            process.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (AssertionError e) {
            // a process that will not die is killed again with its namespace below
        }
    }

    /** Removes the namespaces (and their resolver files) of a set, killing what still runs in them. */
    private static void removeNamespaces(String setPrefix) {
        for (String namespace : namespaces()) {
            Matcher matcher = OURS.matcher(namespace);
            if (!matcher.matches() || !matcher.group(1).equals(setPrefix)) {
                continue;
            }
            processesIn(namespace).forEach(ProcessHandle::destroyForcibly);
            Commands.attempt(null, List.of("ip", "netns", "del", namespace));
            Path etc = Path.of("/etc/netns", namespace);
            try {
                TempFiles.deleteTree(etc);
            } catch (IOException e) {
                // best effort: the namespace is gone, and with it what the file served
            }
        }
        try {
            Files.deleteIfExists(Path.of("/etc/netns")); // only when empty: other namespaces' files stay
        } catch (IOException e) {
            // not empty, or not ours to remove
        }
    }

    /**
     * The processes running on a host now, whoever started them (a server's sessions too).
     *
     * @param host the host
     * @return its processes
     */
    public List<ProcessHandle> processes(Host host) {
        return processesIn(host.namespace());
    }

    private static List<ProcessHandle> processesIn(String namespace) {
        String pids = Commands.attempt(null, List.of("ip", "netns", "pids", namespace)).output();
        return Arrays.stream(pids.split("\\s+")).filter(pid -> pid.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)).stream()).toList();
    }

    /** Removes the namespaces of JVMs that died before they could (killed, say). */
    private static void removeLeftovers() {
        for (String namespace : namespaces()) {
            Matcher matcher = OURS.matcher(namespace);
            if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(2))).isEmpty()) {
                removeNamespaces(matcher.group(1));
            }
        }
    }

    private static List<String> namespaces() {
        Commands.Result list = Commands.attempt(null, List.of("ip", "netns", "list"));
        if (list.status() != 0) {
            return List.of();
        }
        return list.output().lines().map(line -> line.split("\\s+")[0]).filter(name -> !name.isEmpty()).toList();
    }

    private void nft(Host host, String ruleSet) {
        Commands.run(ruleSet, List.of("ip", "netns", "exec", host.namespace(), "nft", "-f", "-"));
    }

    private void deleteTable(Host host, String table) {
        Commands.attempt(null, List.of("ip", "netns", "exec", host.namespace(), "nft", "delete", "table", "inet",
                table));
    }

    static void ip(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        Commands.run(null, command);
    }

    static void sysctl(String namespace, String... settings) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "sysctl", "-q", "-w"));
        command.addAll(List.of(settings));
        Commands.run(null, command);
    }

    static void awaitLine(ChildProcess process, String line) {
        try {
            process.awaitLine(START, line::equals);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String bridge(int site) {
        return "site" + site;
    }

    static String subnet(int site) {
        return "10.77." + (site + 1) + ".0/24";
    }

    private static String gateway(int site) {
        return "10.77." + (site + 1) + ".1";
    }
}
