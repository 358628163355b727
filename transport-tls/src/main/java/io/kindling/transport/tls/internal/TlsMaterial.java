package io.kindling.transport.tls.internal;

import io.kindling.api.ConfigException;
import io.kindling.transport.tls.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node's key and trust material as an {@link SSLContext}, loaded from the files {@link TlsOptions} names and
 * loaded again when they change: at most once per reload interval, when a connection opens, the files' sizes and
 * modification times are compared with the loaded ones. A change that fails to load (a file half written during a
 * rotation) is logged and the previous context kept, and tried again at the next check.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class TlsMaterial {

    private static final System.Logger LOG = System.getLogger(TlsMaterial.class.getName());
    private static final char[] TRANSIENT_PASSWORD = "kindling".toCharArray();

    private final TlsOptions options;
    private final List<Path> files;
    private final long intervalNanos;
    private volatile SSLContext context;
    private volatile List<String> stamp;
    private volatile long nextCheckNanos;

    /**
     * Loads the material.
     *
     * @throws ConfigException if a file is missing, unreadable, not private (key files), or not valid
     */
    TlsMaterial(TlsOptions options) {
        this.options = options;
        this.files = Stream.of(options.keyStore(), options.certificate(), options.privateKey(), options.trustStore(),
                options.trustCertificates()).filter(java.util.Objects::nonNull).toList();
        this.intervalNanos = options.reloadInterval().toNanos();
        try {
            this.stamp = stamp();
            this.context = load();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("kindling.transport.tls", "Cannot load the TLS material (" + options + "): "
                    + e.getMessage());
        }
        this.nextCheckNanos = System.nanoTime() + intervalNanos;
    }

    /** {@return the context for a new connection, reloaded first if the files changed} */
    SSLContext context() {
        long now = System.nanoTime();
        if (now - nextCheckNanos >= 0) {
            reloadIfChanged(now);
        }
        return context;
    }

    private synchronized void reloadIfChanged(long now) {
        if (now - nextCheckNanos < 0) {
            return; // another connection checked meanwhile
        }
        nextCheckNanos = now + intervalNanos;
        try {
            List<String> current = stamp();
            if (current.equals(stamp)) {
                return;
            }
            context = load();
            stamp = current;
            LOG.log(Level.INFO, "Loaded changed TLS material (" + options + "); new connections use it");
        } catch (IOException | GeneralSecurityException | ConfigException e) {
            LOG.log(Level.WARNING, "TLS material changed but does not load (" + e.getMessage()
                    + "); new connections keep using the previous material");
        }
    }

    private List<String> stamp() throws IOException {
        List<String> stamp = new ArrayList<>();
        for (Path file : files) {
            stamp.add(file + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis());
        }
        return stamp;
    }

    private SSLContext load() throws IOException, GeneralSecurityException {
        KeyStore keys;
        char[] keyPassword;
        if (options.keyStore() != null) {
            requirePrivate(options.keyStore(), "key-store");
            keyPassword = options.keyStorePassword().toCharArray();
            keys = pkcs12(options.keyStore(), keyPassword);
        } else {
            requirePrivate(options.privateKey(), "private-key");
            keyPassword = TRANSIENT_PASSWORD;
            keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<X509Certificate> chain = Pem.certificates(options.certificate());
            keys.setKeyEntry("node", Pem.privateKey(options.privateKey()), keyPassword,
                    chain.toArray(new X509Certificate[0]));
        }
        KeyStore trusted;
        if (options.trustStore() != null) {
            trusted = pkcs12(options.trustStore(), options.trustStorePassword().toCharArray());
        } else {
            trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            for (X509Certificate certificate : Pem.certificates(options.trustCertificates())) {
                trusted.setCertificateEntry("trusted-" + i++, certificate);
            }
        }
        if (!trusted.aliases().hasMoreElements()) {
            throw new IOException("the trust material holds no certificate");
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, keyPassword);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static KeyStore pkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException(file + " does not load as PKCS#12 with the given password: " + e.getMessage(), e);
        }
        return store;
    }

    /** Like the cookie file: a private key readable by others is refused, with the command that fixes it. */
    private static void requirePrivate(Path file, String key) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new ConfigException("kindling.transport.tls." + key, "Key file " + file
                    + " is accessible by other users (permissions " + PosixFilePermissions.toString(permissions)
                    + "); make it private with: chmod 600 " + file);
        }
    }
}
