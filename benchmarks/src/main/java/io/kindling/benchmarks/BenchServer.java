package io.kindling.benchmarks;

import io.kindling.core.KindlingNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * The far side of {@link RpcBenchmark}: a raw echo socket (the floor) and a Kindling node. Prints
 * {@code READY <rawPort> <nodePort>}; exits when its standard input ends.
 */
public final class BenchServer {

    static final String COOKIE = "bench-cookie-9f3Kq2LxV8mZr4Tw";
    static final String NAME = "bench-server@127.0.0.1";

    private BenchServer() {
    }

    /**
     * Runs the server.
     *
     * @param args node settings, {@code key=value} (the transport, for example)
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder().name(NAME).cookie(COOKIE);
        apply(builder, List.of(args));
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                KindlingNode node = builder.start()) {
            Thread.ofPlatform().daemon().start(() -> echo(raw));
            System.out.println("READY " + raw.getLocalPort() + " " + node.address().port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the benchmark closes our standard input or dies
            }
        }
    }

    /** Sets {@code key=value} settings on a builder. */
    static void apply(KindlingNode.Builder builder, List<String> settings) {
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            builder.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
    }

    private static void echo(ServerSocket server) {
        while (true) {
            try (Socket socket = server.accept()) {
                socket.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                byte[] frame = new byte[16];
                while (true) {
                    in.readFully(frame);
                    out.write(frame);
                    out.flush();
                }
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }
}
