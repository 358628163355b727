package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.core.KindlingNode;
import io.kindling.core.cluster.Cluster;
import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.OpenFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The port mapper and the epmd strategies against what any local process can do: hold thousands of idle
 * connections, and register fake Kindling names.
 */
class HostilePortMapperTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void theRealEpmdClientIsAnsweredDuringAFloodOfIdleConnections() throws Exception {
        OpenFiles.assumeAtLeast(8192);
        int port = ErlangTools.freePort();
        PortMapper mapper = closer.add(PortMapper.start(null, port)); // every interface, as epmd
        EpmdClient client = new EpmdClient("127.0.0.1", port, Duration.ofSeconds(5));
        try (EpmdRegistration registration = client.register("victim", 4242, EpmdEntry.HIDDEN_NODE, new byte[0])) {
            List<SocketChannel> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 2_000; i++) {
                    SocketChannel channel = SocketChannel.open();
                    flood.add(channel);
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                    channel.bind(new InetSocketAddress("127.0.0." + (2 + i % 50), 0));
                    channel.connect(new InetSocketAddress("127.0.0.1", port)); // connected, then silent
                }
                for (int round = 0; round < 8; round++) {
                    long started = System.nanoTime();
                    String names = ErlangTools.epmdNames(port);
                    assertTrue(names.contains("name victim at port 4242"), names);
                    assertEquals(4242, client.lookup("victim").orElseThrow().port(), "PORT_PLEASE2 answered");
                    System.out.printf("port mapper, 2000 idle connections held: epmd -names answered in %d ms%n",
                            (System.nanoTime() - started) / 1_000_000);
                }
                assertTrue(registration.isActive(), "the registration was not closed to make room");
                assertTrue(mapper.registrations().containsKey("victim"));
            } finally {
                for (SocketChannel channel : flood) {
                    channel.close();
                }
            }
        }
    }

    @Test
    void aFakeRegistrationIsDialedWithBackOff() throws Exception {
        int port = ErlangTools.freePort();
        closer.add(PortMapper.start(InetAddress.getLoopbackAddress(), port));
        // a fake "Kindling node": registered in Kindling's form, at a port that accepts and says nothing useful
        ServerSocket fake = closer.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        AtomicInteger dials = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            while (!fake.isClosed()) {
                try (Socket socket = fake.accept()) {
                    dials.incrementAndGet();
                    socket.getOutputStream().write("not kindling\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // closed
                }
            }
        });
        EpmdClient client = new EpmdClient("127.0.0.1", port, Duration.ofSeconds(5));
        byte[] extra = (EpmdEntry.KINDLING_MARK + "fake@127.0.0.1 127.0.0.1").getBytes(StandardCharsets.UTF_8);
        closer.add(client.register("fake", fake.getLocalPort(), EpmdEntry.HIDDEN_NODE, extra));

        KindlingNode node = closer.add(KindlingNode.builder().name("honest@127.0.0.1")
                .cookie("Vb5kQ2nL8xR1tY7wZ3cM9dF4gH6jK0pS").start());
        EpmdOptions options = EpmdOptions.defaults().withPort(port).withServer(EpmdOptions.ServerMode.NEVER, "");
        long started = System.nanoTime();
        closer.add(Cluster.builder(node).pollInterval(Duration.ofMillis(50))
                .strategy(LocalEpmdStrategyProvider.strategy(options)).start());
        Await.until("four dials of the fake", Duration.ofSeconds(10), () -> dials.get() >= 4);
        // 4 s of 50 ms polls is 80 refreshes; three failures are free, then 1 s, 2 s: at most 6 dials
        Await.until("4 s to pass", Duration.ofSeconds(10),
                () -> System.nanoTime() - started > Duration.ofSeconds(4).toNanos());
        int total = dials.get();
        System.out.printf("fake registration, 80 polls in 4 s: dialed %d times%n", total);
        assertTrue(total <= 6, total + " dials of a name that never answers the handshake");
        assertTrue(node.connectedNodes().isEmpty());
    }
}
