package io.kindling.strategy.dns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kindling.api.Config;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes what the DNS strategy does with the answers it gets: a name server on loopback (UDP and TCP on one port)
 * answers every query with the input, given the query's id and question so that the JDK's client takes it as the
 * answer. The strategy asks for SRV records (then the targets' A and AAAA records) and for A records: it must end,
 * within the query timeouts, in nodes or a {@link DnsLookupException}. Anything else escaping is a finding.
 * {@link #resolvConf} fuzzes the resolv.conf reader. Seeds: answers recorded from dnsmasq (SRV with two targets,
 * a target of ".", A, AAAA, NXDOMAIN, no records, and 40 SRV records, which dnsmasq cuts at 512 bytes with the TC
 * bit so the client asks again over TCP), and resolv.conf files.
 */
class DnsAnswersFuzzTest {

    private static DatagramSocket udp;
    private static ServerSocket tcp;
    private static volatile byte[] answer = new byte[0];
    private static DnsStrategy strategy;

    @BeforeAll
    static void start() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        udp = new DatagramSocket(0, loopback);
        tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
        Thread.ofPlatform().daemon().name("fuzz-dns-udp").start(DnsAnswersFuzzTest::serveUdp);
        Thread.ofPlatform().daemon().name("fuzz-dns-tcp").start(DnsAnswersFuzzTest::serveTcp);
        strategy = new DnsStrategy(DnsOptions.fromConfig(Config.of(Map.of(
                "servers", "127.0.0.1:" + udp.getLocalPort(), "timeout", "150ms",
                "queries", "srv:fuzz@_kindling._tcp.kv.test,a:fuzz@node1.kv.test:4370"))));
    }

    @AfterAll
    static void stop() throws IOException {
        udp.close();
        tcp.close();
    }

    @FuzzTest(maxDuration = "10m")
    void answers(byte[] input) {
        answer = input;
        long started = System.nanoTime();
        try {
            strategy.discover();
        } catch (DnsLookupException refused) {
            // the documented failure
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        // at most: SRV, then A and AAAA for each of the records one answer holds, each up to twice 150 ms
        assertTrue(millis < 60_000, "discover took " + millis + " ms");
    }

    @FuzzTest(maxDuration = "10m")
    void resolvConf(byte[] input) throws IOException {
        Path file = Files.createTempFile("resolv", ".conf");
        try {
            Files.write(file, input);
            Resolver.SystemConfig config = Resolver.SystemConfig.read(file);
            assertTrue(config.ndots() >= 0 && config.ndots() <= 15, "ndots " + config.ndots());
            config.nameServers().forEach(server -> assertTrue(!server.isBlank(), "a blank name server"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The input as the answer to a query: the query's id, and its question in place of the answer's own. */
    static byte[] answerTo(byte[] query, int queryLength) {
        byte[] reply = answer;
        if (reply.length < 12 || queryLength < 12) {
            return reply.length >= 2 ? withId(reply, query) : reply;
        }
        int queryQuestionEnd = questionEnd(query, queryLength);
        int replyQuestionEnd = questionEnd(reply, reply.length);
        if (queryQuestionEnd < 0 || replyQuestionEnd < 0) {
            return withId(reply, query);
        }
        byte[] out = new byte[queryQuestionEnd + reply.length - replyQuestionEnd];
        System.arraycopy(reply, 0, out, 0, 12);
        System.arraycopy(query, 12, out, 12, queryQuestionEnd - 12);
        System.arraycopy(reply, replyQuestionEnd, out, queryQuestionEnd, reply.length - replyQuestionEnd);
        out[4] = 0;
        out[5] = 1; // one question
        return withId(out, query);
    }

    private static byte[] withId(byte[] reply, byte[] query) {
        byte[] out = Arrays.copyOf(reply, reply.length);
        out[0] = query[0];
        out[1] = query[1];
        return out;
    }

    /** Where the first question ends (after QNAME, QTYPE, QCLASS), or -1. */
    private static int questionEnd(byte[] message, int length) {
        int at = 12;
        while (at < length) {
            int label = message[at] & 0xff;
            if (label == 0) {
                return at + 5 <= length ? at + 5 : -1;
            }
            if (label >= 0xc0) {
                return at + 6 <= length ? at + 6 : -1;
            }
            at += 1 + label;
        }
        return -1;
    }

    private static void serveUdp() {
        byte[] buffer = new byte[512];
        while (!udp.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                udp.receive(query);
                byte[] reply = answerTo(query.getData(), query.getLength());
                udp.send(new DatagramPacket(reply, Math.min(reply.length, 65_000), query.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a reply too large to send: the client times out
            }
        }
    }

    private static void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket client = tcp.accept()) {
                client.setSoTimeout(2000);
                DataInputStream in = new DataInputStream(client.getInputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] reply = answerTo(query, query.length);
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                out.writeShort(Math.min(reply.length, 65_535));
                out.write(reply, 0, Math.min(reply.length, 65_535));
                out.flush();
            } catch (IOException e) {
                // the next query gets a new connection
            }
        }
    }
}
