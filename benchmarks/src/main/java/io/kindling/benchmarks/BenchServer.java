package io.kindling.benchmarks;

import io.kindling.core.KindlingNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The far side of {@link RpcBenchmark}: a raw echo socket (the floor) and a Kindling node. Prints
 * {@code READY <rawPort> <nodePort>}; exits when its standard input ends.
 */
public final class BenchServer {

    static final String COOKIE = "bench-cookie";
    static final String NAME = "bench-server@127.0.0.1";

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                KindlingNode node = KindlingNode.builder().name(NAME).cookie(COOKIE).start()) {
            Thread.ofPlatform().daemon().start(() -> echo(raw));
            System.out.println("READY " + raw.getLocalPort() + " " + node.address().port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the benchmark closes our standard input or dies
            }
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
