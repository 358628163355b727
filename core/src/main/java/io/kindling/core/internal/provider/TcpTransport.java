package io.kindling.core.internal.provider;

import io.kindling.api.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;

/** Plain TCP: one socket per connection, {@code TCP_NODELAY} on, blocking streams read on virtual threads. */
final class TcpTransport implements Transport {

    @Override
    public Listener listen(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, 512);
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot listen on " + describe(address) + ": " + e.getMessage(), e);
        }
        return new Listener() {
            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) server.getLocalSocketAddress();
            }

            @Override
            public Connection accept() throws IOException {
                return wrap(server.accept());
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
    }

    @Override
    public Connection connect(InetSocketAddress address, Duration timeout) throws IOException {
        if (address.isUnresolved()) {
            throw new IOException("Cannot resolve host " + address.getHostString());
        }
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return wrap(socket);
    }

    private static Connection wrap(Socket socket) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            SocketAddress remote = socket.getRemoteSocketAddress();
            return new Connection() {
                @Override
                public InputStream input() {
                    return in;
                }

                @Override
                public OutputStream output() {
                    return out;
                }

                @Override
                public SocketAddress remoteAddress() {
                    return remote;
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
