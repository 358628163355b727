package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Await;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same requests, good and malformed, sent to Erlang/OTP's epmd and to Kindling's {@link PortMapper}: both must
 * answer with the bytes recorded from OTP 25's epmd (creation numbers and the port mapper's own port aside) and
 * close, or keep, the connection alike. After the malformed ones, both still serve.
 */
class PortMapperProtocolTest {

    private static final HexFormat HEX = HexFormat.of();
    /** How long a connection that should stay open is watched for an unexpected close. */
    private static final int OPEN_WATCH_MILLIS = 200;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    /** One request and what OTP's epmd answers: reply hex ('*' for creation, 'P' for the port) and the close. */
    private record Case(String name, byte[] request, String reply, boolean closes) {
    }

    private static byte[] alive2(String name, int port, int type, int highest, int lowest, byte[] extra) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(body);
            byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
            out.writeByte('x');
            out.writeShort(port);
            out.writeByte(type);
            out.writeByte(0);
            out.writeShort(highest);
            out.writeShort(lowest);
            out.writeShort(nameBytes.length);
            out.write(nameBytes);
            out.writeShort(extra.length);
            out.write(extra);
            return framed(body.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] framed(byte[] body) {
        byte[] request = new byte[body.length + 2];
        request[0] = (byte) (body.length >> 8);
        request[1] = (byte) body.length;
        System.arraycopy(body, 0, request, 2, body.length);
        return request;
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    private static List<Case> cases() {
        byte[] none = new byte[0];
        return List.of(
                new Case("NAMES, empty", hex("00016e"), "PPPPPPPP", true),
                new Case("ALIVE2 v6", alive2("probe6", 45678, 77, 6, 5, none), "7600********", false),
                new Case("ALIVE2 v5", alive2("probe5", 45679, 77, 5, 5, none), "7900****", false),
                new Case("ALIVE2 with Extra", alive2("probeext", 45680, 77, 6, 5, "xyz".getBytes()),
                        "7600********", false),
                new Case("ALIVE2 duplicate name", alive2("probe6", 45681, 77, 6, 5, none), "760100000063", false),
                new Case("ALIVE2 hidden node", alive2("hidden", 45682, 72, 6, 5, none), "7600********", false),
                new Case("PORT_PLEASE2 found", hex("00077a70726f626536"),
                        "7700b26e4d0000060005000670726f6265360000", true),
                new Case("PORT_PLEASE2 with Extra", hex("00097a70726f6265657874"),
                        "7700b2704d0000060005000870726f6265657874000378797a", true),
                new Case("PORT_PLEASE2 v5 node", hex("00077a70726f626535"),
                        "7700b26f4d0000050005000670726f6265350000", true),
                new Case("PORT_PLEASE2 trailing NUL", hex("00087a70726f62653600"),
                        "7700b26e4d0000060005000670726f6265360000", true),
                new Case("PORT_PLEASE2 missing", hex("00077a6e6f73756368"), "7701", true),
                new Case("NAMES, four nodes, newest first", hex("00016e"), "PPPPPPPP"
                        + HEX.formatHex(("name hidden at port 45682\nname probeext at port 45680\n"
                                + "name probe5 at port 45679\nname probe6 at port 45678\n").getBytes()), true),
                new Case("ALIVE2 name not UTF-8", framed(hex("7800014d0000060005000461ff6263" + "0000")),
                        "760100000063", false),
                new Case("ALIVE2 name with NUL", alive2("a\0b", 1, 77, 6, 5, none), "", true),
                new Case("ALIVE2 empty name", alive2("", 1, 77, 6, 5, none), "", true),
                new Case("ALIVE2 body too short", hex("00057800010203"), "", true),
                new Case("ALIVE2 name length beyond the packet", framed(hex("7800014d000006000500ff61620000")),
                        "", true),
                new Case("unknown tag", hex("000151"), "", true),
                new Case("length 0", hex("0000"), "", true),
                new Case("length 65535", hex("ffff6e"), "", true),
                new Case("KILL with live nodes", hex("00016b"), "4e4f", true),
                new Case("STOP without relaxed checks", hex("000473616263"), "", true),
                new Case("NAMES still served", hex("00016e"), "PPPPPPPP"
                        + HEX.formatHex(("name hidden at port 45682\nname probeext at port 45680\n"
                                + "name probe5 at port 45679\nname probe6 at port 45678\n").getBytes()), true));
    }

    @Test
    void kindlingsPortMapperAnswersLikeErlangsEpmd() throws Exception {
        int epmdPort = ErlangTools.freePort();
        open.add(ErlangTools.startEpmd(epmdPort));
        PortMapper mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
        open.add(mapper);
        List<String> mismatches = new ArrayList<>();
        for (Case c : cases()) {
            for (Map.Entry<String, Integer> server : Map.of("epmd", epmdPort, "Kindling", mapper.port()).entrySet()) {
                String outcome = exchange(server.getValue(), c.request());
                String expected = c.reply() + (c.closes() ? " closed" : " open");
                if (!outcome.equals(expected)) {
                    mismatches.add(server.getKey() + ", " + c.name() + ": expected " + expected + ", got " + outcome);
                }
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void aPartialRequestGetsNoAnswerAndOthersAreStillServed() throws Exception {
        int epmdPort = ErlangTools.freePort();
        open.add(ErlangTools.startEpmd(epmdPort));
        PortMapper mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
        open.add(mapper);
        for (int port : new int[] {epmdPort, mapper.port()}) {
            try (Socket partial = new Socket(InetAddress.getLoopbackAddress(), port)) {
                partial.getOutputStream().write(hex("00107861")); // says 16 bytes, sends 2
                partial.setSoTimeout(OPEN_WATCH_MILLIS);
                assertTrue(watchStaysOpen(partial.getInputStream()), "a partial request is waited for");
                assertEquals("PPPPPPPP closed", exchange(port, hex("00016e")), "others are served meanwhile");
            }
        }
    }

    @Test
    void aRegistrationLastsAsLongAsItsConnection() throws Exception {
        PortMapper mapper = PortMapper.start(InetAddress.getLoopbackAddress(), 0);
        open.add(mapper);
        EpmdClient client = new EpmdClient("127.0.0.1", mapper.port(), Duration.ofSeconds(5));
        EpmdRegistration registration = client.register("lasting", 4000, EpmdEntry.HIDDEN_NODE, new byte[0]);
        assertTrue(registration.creation() >= 4);
        assertEquals(Map.of("lasting", 4000), client.names());
        registration.close();
        Await.until("the name is dropped", Duration.ofSeconds(30), () -> client.names().isEmpty());
        assertTrue(client.lookup("lasting").isEmpty());

        EpmdRegistration again = client.register("lasting", 4001, EpmdEntry.HIDDEN_NODE, new byte[0]);
        java.util.concurrent.CompletableFuture<String> lost = new java.util.concurrent.CompletableFuture<>();
        again.onLost(lost::complete);
        mapper.close();
        String reason = lost.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(reason.contains("closed the registration connection"), reason);
        assertTrue(!again.isActive());
    }

    /** Sends one request on a new connection; returns the normalized reply hex and whether the server closed. */
    private static String exchange(int port, byte[] request) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        boolean keep = false;
        try {
            socket.getOutputStream().write(request);
            socket.setSoTimeout(OPEN_WATCH_MILLIS);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            boolean closed;
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    reply.write(b);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true; // reset
            }
            keep = !closed; // a registration stays until the test ends
            return normalize(HEX.formatHex(reply.toByteArray()), port) + (closed ? " closed" : " open");
        } finally {
            if (!keep) {
                socket.close();
            } else {
                KEPT.add(socket);
            }
        }
    }

    private static final List<Socket> KEPT = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void closeRegistrations() throws IOException {
        for (Socket socket : KEPT) {
            socket.close();
        }
        KEPT.clear();
    }

    private static String normalize(String hex, int port) {
        if (hex.matches("7600[0-9a-f]{8}") && !hex.equals("760000000000")) {
            return "7600********";
        }
        if (hex.matches("7900[0-9a-f]{4}") && !hex.equals("79000000")) {
            return "7900****";
        }
        String portHex = String.format("%08x", port);
        if (hex.startsWith(portHex) && !hex.startsWith("7")) {
            return "PPPPPPPP" + hex.substring(8);
        }
        return hex;
    }

    /** Whether the server neither answers nor closes within the watch time. */
    private static boolean watchStaysOpen(InputStream in) throws IOException {
        try {
            in.read(); // a byte or the end: either is a reaction
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }
}
