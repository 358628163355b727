package io.kindling.transport.tls.internal;

import io.kindling.api.HandshakeException;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Transport;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection. Its first read or write runs the TLS handshake; a failure there becomes an
 * {@link SSLException} whose message says what was wrong (untrusted, expired, missing certificate) and which
 * settings to look at. Closing it closes the TCP socket underneath at once, which unblocks a reader even in the
 * middle of a TLS handshake.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class TlsConnection implements Transport.Connection {

    private final Socket plain;
    private final SSLSocket tls;
    private final boolean client;
    private final boolean verifyNodeName;
    private final SocketAddress remote;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean handshaken;
    /** Whether any data arrived: a failure before that is explained as a likely refusal. */
    private volatile boolean received;

    TlsConnection(Socket plain, SSLSocket tls, boolean client, boolean verifyNodeName) throws IOException {
        this.plain = plain;
        this.tls = tls;
        this.client = client;
        this.verifyNodeName = verifyNodeName;
        this.remote = plain.getRemoteSocketAddress();
        InputStream tlsIn = tls.getInputStream();
        OutputStream tlsOut = tls.getOutputStream();
        this.in = new FilterInputStream(tlsIn) {
            @Override
            public int read() throws IOException {
                try {
                    handshake();
                    int b = in.read();
                    received = true;
                    return b;
                } catch (IOException e) {
                    throw explain(e);
                }
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                try {
                    handshake();
                    int n = in.read(bytes, offset, length);
                    received = true;
                    return n;
                } catch (IOException e) {
                    throw explain(e);
                }
            }
        };
        this.out = new FilterOutputStream(tlsOut) {
            @Override
            public void write(int b) throws IOException {
                try {
                    handshake();
                    out.write(b);
                } catch (IOException e) {
                    throw explain(e);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                try {
                    handshake();
                    out.write(bytes, offset, length);
                } catch (IOException e) {
                    throw explain(e);
                }
            }
        };
    }

    /** Runs the TLS handshake once, before the first byte either way. */
    private void handshake() throws IOException {
        if (handshaken) {
            return;
        }
        synchronized (this) {
            if (!handshaken) {
                tls.startHandshake();
                handshaken = true;
            }
        }
    }

    /**
     * A TLS failure with what was wrong and what to look at. In TLS 1.3 the dialer finishes its handshake before the
     * acceptor has checked the dialer's certificate: the acceptor's refusal arrives as an alert on a later read.
     */
    private IOException explain(IOException e) {
        if (e instanceof Explained) {
            return e;
        }
        if (e instanceof SSLException ssl) {
            return new Explained("TLS with " + remote + " failed: " + e.getMessage() + ". " + hint(ssl), e);
        }
        if (!received) {
            // the peer closed (a reset, a broken pipe) before its first byte of data: with TLS 1.3 that is how a
            // refused client certificate often looks from the client, when the reset overtakes the alert
            return new Explained("TLS with " + remote + " failed: " + e.getMessage() + ". The other node closed the "
                    + "connection before its first message: it most likely refused this node's certificate (a CA "
                    + "it does not trust, an expired certificate); its log says why", e);
        }
        return e;
    }

    /** An {@link SSLException} whose message already explains itself. */
    private static final class Explained extends SSLException {
        private static final long serialVersionUID = 1L;

        Explained(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String hint(SSLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unrecognized ssl message") || message.contains("plaintext")) {
            return "The other node does not speak TLS: it must use kindling.transport=tls too";
        }
        if (message.contains("received fatal alert")) {
            return "The other node refused this node's certificate or TLS settings; its log says why (a CA it "
                    + "does not trust, an expired certificate, no certificate)";
        }
        if (message.contains("validity") || message.contains("expired") || message.contains("not yet valid")) {
            return "The other node's certificate is expired or not yet valid: renew it";
        }
        if (message.contains("pkix") || message.contains("certification path")) {
            return "The other node's certificate is not signed by a CA this node trusts: check "
                    + "kindling.transport.tls.trust-store / trust-certificates on both nodes";
        }
        if (message.contains("empty client certificate") || message.contains("certificate_required")) {
            return "The dialing node presented no certificate signed by a CA this node trusts (TLS 1.3 clients only "
                    + "offer certificates of the CAs the server names): check kindling.transport.tls.trust-store / "
                    + "trust-certificates here and the dialing node's certificate";
        }
        return "Both nodes need kindling.transport=tls, TLS 1.3, a certificate and the CA that signed the other's";
    }

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

    /** SHA-256 of the server's certificate, then of the client's: the same at both ends of this TLS session. */
    @Override
    public byte[] channelBinding() {
        try {
            handshake();
            SSLSession session = tls.getSession();
            Certificate local = session.getLocalCertificates()[0];
            Certificate peer = session.getPeerCertificates()[0];
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] server = sha.digest((client ? peer : local).getEncoded());
            byte[] dialer = sha.digest((client ? local : peer).getEncoded());
            byte[] binding = new byte[server.length + dialer.length];
            System.arraycopy(server, 0, binding, 0, server.length);
            System.arraycopy(dialer, 0, binding, server.length, dialer.length);
            return binding;
        } catch (IOException | GeneralSecurityException e) {
            throw new HandshakeException("TLS session with " + remote + " has no certificates to bind to: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void checkPeerName(NodeName claimed) {
        if (!verifyNodeName) {
            return;
        }
        X509Certificate certificate;
        try {
            handshake();
            certificate = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new HandshakeException("TLS session with " + remote + " has no peer certificate: "
                    + e.getMessage(), e);
        }
        List<String> names = subjectAlternativeNames(certificate);
        if (!covers(names, claimed.host())) {
            throw new HandshakeException("the certificate of " + remote + " (" + certificate.getSubjectX500Principal()
                    + ", subject alternative names " + names + ") does not cover node name " + claimed
                    + ": give it a DNS or IP subject alternative name " + claimed.host()
                    + ", or set kindling.transport.tls.verify-node-name=false");
        }
    }

    static List<String> subjectAlternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == 2) {
                        names.add("DNS:" + entry.get(1));
                    } else if (type == 7) {
                        names.add("IP:" + entry.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: nothing is covered
        }
        return names;
    }

    /** Whether a DNS name (exact, or {@code *.} for one leftmost label) or an IP address covers the host. */
    static boolean covers(List<String> names, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        InetAddress address = literal(host);
        for (String name : names) {
            if (name.startsWith("DNS:")) {
                String dns = name.substring(4).toLowerCase(Locale.ROOT);
                if (dns.equals(wanted) || dns.startsWith("*.") && wanted.indexOf('.') > 0
                        && wanted.substring(wanted.indexOf('.')).equals(dns.substring(1))) {
                    return true;
                }
            } else if (address != null && address.equals(literal(name.substring(3)))) {
                return true;
            }
        }
        return false;
    }

    /** The address an IP literal names, or {@code null} for a host name (no lookup is made). */
    private static InetAddress literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(bare); // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        plain.close();
    }
}
