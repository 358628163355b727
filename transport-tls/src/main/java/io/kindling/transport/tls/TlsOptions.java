package io.kindling.transport.tls;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code tls} transport, read from {@code kindling.transport.tls.*}.
 *
 * <p>This node's key and certificate chain come from a PKCS#12 file ({@code key-store}, {@code key-store-password})
 * or from PEM files ({@code certificate}: the chain, leaf first; {@code private-key}: an unencrypted PKCS#8 key,
 * {@code -----BEGIN PRIVATE KEY-----}). The certificates it trusts come from a PKCS#12 file ({@code trust-store},
 * {@code trust-store-password}) or a PEM bundle ({@code trust-certificates}). Key files must be readable by their
 * owner only, like the cookie file. Every peer must present a certificate that chains to a trusted one (mutual
 * authentication; TLS 1.3 only).
 *
 * <p>{@code verify-node-name} (default {@code true}): a peer's node name must be covered by its certificate, a DNS
 * subject alternative name equal to the name's host (or a {@code *.} wildcard for one label) or an IP one equal to
 * it. {@code reload-interval} (default 10 s): how often, at most, the files are checked for a change (their size
 * and modification time) when a connection opens; changed files are loaded for the connections that follow, and a
 * file that fails to load is logged and the previous material kept.
 *
 * @param keyStore this node's PKCS#12 key store, or {@code null} when PEM files are used
 * @param keyStorePassword its password (may be empty)
 * @param certificate this node's PEM certificate chain, or {@code null}
 * @param privateKey this node's PEM private key, or {@code null}
 * @param trustStore the PKCS#12 trust store, or {@code null} when a PEM bundle is used
 * @param trustStorePassword its password (may be empty)
 * @param trustCertificates the PEM bundle of trusted certificates, or {@code null}
 * @param verifyNodeName whether a peer's certificate must cover its node name
 * @param reloadInterval how often, at most, the files are checked for a change
 */
public record TlsOptions(Path keyStore, String keyStorePassword, Path certificate, Path privateKey, Path trustStore,
        String trustStorePassword, Path trustCertificates, boolean verifyNodeName, Duration reloadInterval) {

    private static final String PREFIX = "kindling.transport.tls.";

    /**
     * Checks that exactly one source of key material and one of trust material is given.
     *
     * @throws IllegalArgumentException if not, saying which settings to give
     */
    public TlsOptions {
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Durations.requirePositive(reloadInterval, "TLS reload interval");
        boolean pem = certificate != null || privateKey != null;
        if (keyStore == null && !pem) {
            throw new IllegalArgumentException("The tls transport needs this node's key and certificate: set "
                    + PREFIX + "key-store (PKCS#12), or " + PREFIX + "certificate and " + PREFIX + "private-key (PEM)");
        }
        if (keyStore != null && pem) {
            throw new IllegalArgumentException("Set either " + PREFIX + "key-store or " + PREFIX + "certificate and "
                    + PREFIX + "private-key, not both");
        }
        if (pem && (certificate == null || privateKey == null)) {
            throw new IllegalArgumentException("PEM key material needs both " + PREFIX + "certificate and " + PREFIX
                    + "private-key");
        }
        if ((trustStore == null) == (trustCertificates == null)) {
            throw new IllegalArgumentException("The tls transport needs the certificates it trusts: set exactly one "
                    + "of " + PREFIX + "trust-store (PKCS#12) and " + PREFIX + "trust-certificates (PEM bundle)");
        }
    }

    /**
     * Options with PEM files.
     *
     * @param certificate this node's certificate chain, leaf first
     * @param privateKey its unencrypted PKCS#8 private key
     * @param trustCertificates the certificates trusted (usually the CA's)
     * @return the options, verifying node names and checking files every 10 s
     */
    public static TlsOptions pem(Path certificate, Path privateKey, Path trustCertificates) {
        return new TlsOptions(null, "", certificate, privateKey, null, "", trustCertificates, true,
                Duration.ofSeconds(10));
    }

    /**
     * Options with PKCS#12 files.
     *
     * @param keyStore this node's key and certificate chain
     * @param keyStorePassword its password
     * @param trustStore the certificates trusted
     * @param trustStorePassword its password
     * @return the options, verifying node names and checking files every 10 s
     */
    public static TlsOptions pkcs12(Path keyStore, String keyStorePassword, Path trustStore,
            String trustStorePassword) {
        return new TlsOptions(keyStore, keyStorePassword, null, null, trustStore, trustStorePassword, null, true,
                Duration.ofSeconds(10));
    }

    /**
     * {@return these options with node-name verification on or off}
     *
     * @param verify whether a peer's certificate must cover its node name
     */
    public TlsOptions withVerifyNodeName(boolean verify) {
        return new TlsOptions(keyStore, keyStorePassword, certificate, privateKey, trustStore, trustStorePassword,
                trustCertificates, verify, reloadInterval);
    }

    /**
     * {@return these options with another reload interval}
     *
     * @param interval how often, at most, the files are checked for a change
     */
    public TlsOptions withReloadInterval(Duration interval) {
        return new TlsOptions(keyStore, keyStorePassword, certificate, privateKey, trustStore, trustStorePassword,
                trustCertificates, verifyNodeName, interval);
    }

    /**
     * Reads the options from the transport's configuration ({@code kindling.transport.tls.*}).
     *
     * @param config the configuration, scoped to the transport
     * @return the options
     * @throws ConfigException if a setting is missing, conflicting or malformed; the message names it
     */
    public static TlsOptions fromConfig(Config config) {
        try {
            return new TlsOptions(path(config, "key-store"), config.get("key-store-password").orElse(""),
                    path(config, "certificate"), path(config, "private-key"), path(config, "trust-store"),
                    config.get("trust-store-password").orElse(""), path(config, "trust-certificates"),
                    config.getBoolean("verify-node-name", true),
                    Durations.positiveSetting(config, "reload-interval", null, Duration.ofSeconds(10)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.fullKey(""), e.getMessage());
        }
    }

    private static Path path(Config config, String key) {
        return config.get(key).map(String::trim).filter(value -> !value.isEmpty()).map(Path::of).orElse(null);
    }

    /** Shows the files, never the passwords. */
    @Override
    public String toString() {
        return "TlsOptions[" + (keyStore != null ? "keyStore=" + keyStore : "certificate=" + certificate
                + ", privateKey=" + privateKey) + ", " + (trustStore != null ? "trustStore=" + trustStore
                : "trustCertificates=" + trustCertificates) + ", verifyNodeName=" + verifyNodeName
                + ", reloadInterval=" + reloadInterval + "]";
    }
}
