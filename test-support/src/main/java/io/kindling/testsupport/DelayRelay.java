package io.kindling.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The delaying relay {@link NetworkHosts#delay} puts between its sites: a process in the router namespace that
 * receives every packet crossing from one site to another (a TUN device, opened by {@code socat}, hands each one
 * over as a UDP datagram on the namespace's loopback), holds it for the mean delay plus or minus a uniform jitter, and
 * hands it back to the TUN device, whence the kernel forwards it on. Packets leave in the order they came, as on a
 * link, so a packet may wait a little longer than its own delay behind a slower one. At most 65,536 packets wait;
 * beyond that, as a full link queue, it drops. Exits when its standard input ends.
 *
 * <p>Arguments: the UDP port it listens on, the port {@code socat} listens on, the mean delay and the jitter in
 * microseconds. It prints {@code RELAY READY}, and answers {@code stats} on standard input with
 * {@code RELAYED <packets> DROPPED <packets>}.
 */
public final class DelayRelay {

    private DelayRelay() {
    }

    private record Packet(long releaseNanos, byte[] bytes) {
    }

    /**
     * Runs the relay until standard input ends.
     *
     * @param args listening port, socat's port, mean delay and jitter in microseconds
     * @throws IOException if the UDP socket cannot be opened
     */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        InetSocketAddress socat = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        long meanNanos = Long.parseLong(args[2]) * 1000;
        long jitterNanos = Long.parseLong(args[3]) * 1000;
        DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20);
        BlockingQueue<Packet> waiting = new ArrayBlockingQueue<>(65_536);
        AtomicLong relayed = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        Thread sender = new Thread(() -> {
            try {
                while (true) {
                    Packet packet = waiting.take();
                    long wait;
                    while ((wait = packet.releaseNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    channel.send(ByteBuffer.wrap(packet.bytes()), socat);
                    relayed.incrementAndGet();
                }
            } catch (InterruptedException | IOException e) {
                System.exit(1);
            }
        }, "relay-sender");
        sender.setDaemon(true);
        sender.start();
        Thread control = new Thread(() -> {
            try (InputStream in = System.in) {
                java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(in,
                        java.nio.charset.StandardCharsets.UTF_8));
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.strip().equals("stats")) {
                        System.out.println("RELAYED " + relayed.get() + " DROPPED " + dropped.get());
                        System.out.flush();
                    }
                }
            } catch (IOException e) {
                // the test JVM is gone
            }
            System.exit(0);
        }, "relay-control");
        control.setDaemon(true);
        control.start();
        System.out.println("RELAY READY");
        System.out.flush();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long lastRelease = 0;
        while (true) {
            buffer.clear();
            channel.receive(buffer);
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            long delay = meanNanos + (jitterNanos == 0 ? 0
                    : ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1));
            lastRelease = Math.max(lastRelease, System.nanoTime() + delay);
            if (!waiting.offer(new Packet(lastRelease, bytes))) {
                dropped.incrementAndGet();
            }
        }
    }
}
