package io.kindling.transport.tls.internal;

import io.kindling.api.spi.Transport;
import io.kindling.transport.tls.TlsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS 1.3 over TCP with mutual authentication. The listener accepts plain sockets and layers TLS over each with
 * the material current at that moment ({@link TlsMaterial}); the TLS handshake itself runs on the first read or
 * write, that is inside the runtime's handshake and under its deadline, never on the accept loop.
 *
 * <p>Internal: not part of Kindling's API; public for {@link io.kindling.transport.tls.TlsTransportProvider}.
 */
public final class TlsTransport implements Transport {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final TlsMaterial material;
    private final boolean verifyNodeName;

    /**
     * Loads the material the options name.
     *
     * @param options the settings
     * @throws io.kindling.api.ConfigException if the material does not load
     */
    public TlsTransport(TlsOptions options) {
        this.material = new TlsMaterial(options);
        this.verifyNodeName = options.verifyNodeName();
    }

    @Override
    public Listener listen(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, 512);
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage(), e);
        }
        return new Listener() {
            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) server.getLocalSocketAddress();
            }

            @Override
            public Connection accept() throws IOException {
                Socket plain = server.accept();
                try {
                    configure(plain);
                    SSLSocket tls = (SSLSocket) material.context().getSocketFactory().createSocket(plain, null, true);
                    tls.setUseClientMode(false);
                    tls.setSSLParameters(parameters(true));
                    return new TlsConnection(plain, tls, false, verifyNodeName);
                } catch (IOException | RuntimeException e) {
                    plain.close();
                    throw e;
                }
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
        Socket plain = new Socket();
        try {
            plain.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            configure(plain);
            SSLSocket tls = (SSLSocket) material.context().getSocketFactory().createSocket(plain,
                    address.getHostString(), address.getPort(), true);
            tls.setUseClientMode(true);
            tls.setSSLParameters(parameters(false));
            return new TlsConnection(plain, tls, true, verifyNodeName);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static void configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
    }

    /**
     * TLS 1.3 only; the server requires a client certificate. No host name check here: a peer is identified by its
     * node name, checked against its certificate once the Kindling handshake has read it
     * ({@link TlsConnection#checkPeerName}).
     */
    private static SSLParameters parameters(boolean server) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS);
        if (server) {
            parameters.setNeedClientAuth(true);
        }
        return parameters;
    }
}
