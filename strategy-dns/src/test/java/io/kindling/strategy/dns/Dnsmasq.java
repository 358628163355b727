package io.kindling.strategy.dns;

import io.kindling.testsupport.Requires;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real dnsmasq (Debian package dnsmasq-base) on a loopback address and port, authoritative for
 * {@code kindling.test}, its A/AAAA records in a hosts file that {@link #setHosts} rewrites and reloads (SIGHUP).
 */
final class Dnsmasq implements AutoCloseable {

    final InetSocketAddress address;
    private final Path dir;
    private final Process process;
    private final StringBuilder output = new StringBuilder();

    private Dnsmasq(Path dir, InetSocketAddress address, Process process) {
        this.dir = dir;
        this.address = address;
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try {
                process.getInputStream().transferTo(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (output) {
                            output.append((char) b);
                        }
                    }
                });
            } catch (IOException e) {
                // ended
            }
        });
    }

    /** Starts dnsmasq on {@code host}, on a free port or the given one, with hosts and extra config lines. */
    static Dnsmasq start(Path dir, String host, int port, Map<String, List<String>> hosts, List<String> config)
            throws Exception {
        String executable = Requires.executable("dnsmasq", "dnsmasq-base").toString();
        int chosen = port != 0 ? port : freePort(host);
        writeHosts(dir.resolve("hosts"), hosts);
        List<String> lines = new ArrayList<>(List.of("no-resolv", "no-hosts", "no-daemon", "bind-interfaces",
                "listen-address=" + host, "port=" + chosen, "local=/kindling.test/", "addn-hosts="
                        + dir.resolve("hosts"), "user=root", "log-facility=-"));
        lines.addAll(config);
        Files.write(dir.resolve("dnsmasq.conf"), lines);
        Process process = new ProcessBuilder(executable, "--conf-file=" + dir.resolve("dnsmasq.conf"),
                "--pid-file=" + dir.resolve("pid")).redirectErrorStream(true).start();
        Dnsmasq dnsmasq = new Dnsmasq(dir, new InetSocketAddress(host, chosen), process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!dnsmasq.answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                dnsmasq.close();
                throw new AssertionError("dnsmasq did not start on " + host + ":" + chosen + ": " + dnsmasq.output());
            }
            Thread.sleep(10);
        }
        return dnsmasq;
    }

    /** Replaces the A/AAAA records and has dnsmasq read them again. */
    void setHosts(Map<String, List<String>> hosts) throws Exception {
        writeHosts(dir.resolve("hosts"), hosts);
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        if (!hup.waitFor(10, TimeUnit.SECONDS) || hup.exitValue() != 0) {
            throw new AssertionError("kill -HUP dnsmasq failed");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int reads = count("read " + dir.resolve("hosts"));
        while (count("read " + dir.resolve("hosts")) < reads + 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private int count(String text) {
        String all = output();
        int n = 0;
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    private boolean answers() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(address, 200); // dnsmasq also serves TCP on its port
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeHosts(Path file, Map<String, List<String>> hosts) throws IOException {
        List<String> lines = new ArrayList<>();
        hosts.forEach((name, ips) -> ips.forEach(ip -> lines.add(ip + " " + name)));
        Path temporary = file.resolveSibling("hosts.tmp");
        Files.write(temporary, lines);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static int freePort(String host) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getByName(host));
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(host, tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException e) {
                // the UDP port was taken: try another
            }
        }
        throw new IOException("no free TCP+UDP port on " + host);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    static Duration timeout() {
        return Duration.ofSeconds(2);
    }
}
