package io.kindling.examples.kv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client of the text protocol over a real socket, for tests: one request, its reply lines. */
final class KvClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    KvClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends a line and reads its reply: one line, or two for a value and its OK. */
    String request(String line) throws IOException {
        return requestBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    String requestBytes(byte[] line) throws IOException {
        out.write(line);
        out.flush();
        String first = in.readLine();
        if (first == null) {
            throw new IOException("the server closed the connection");
        }
        if (first.equals("OK") || first.equals("NOT FOUND") || first.equals("UNKNOWN COMMAND")
                || first.startsWith("ERROR ")) {
            return first;
        }
        return first + "\n" + in.readLine(); // a value, then OK
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
