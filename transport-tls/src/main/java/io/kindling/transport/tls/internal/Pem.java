package io.kindling.transport.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files: certificates (the JDK's {@link CertificateFactory} reads PEM itself) and unencrypted PKCS#8
 * private keys.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class Pem {

    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    private Pem() {
    }

    /**
     * Reads every certificate of a PEM (or DER) file.
     *
     * @param file the file
     * @return the certificates, in file order
     * @throws IOException if it cannot be read or holds no certificate
     */
    static List<X509Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IOException(file + " holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a readable certificate file: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an unencrypted PKCS#8 private key.
     *
     * @param file the file
     * @return the key
     * @throws IOException if it cannot be read, is another format (the message says how to convert it), or no
     *     known algorithm accepts it
     */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN_KEY);
        int end = text.indexOf(END_KEY);
        if (begin < 0 || end < begin) {
            String found = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "an encrypted key"
                    : text.contains("PRIVATE KEY-----") ? "a traditional (PKCS#1/SEC1) key" : "no private key";
            throw new IOException(file + " holds " + found + "; the tls transport reads unencrypted PKCS#8 keys "
                    + "(-----BEGIN PRIVATE KEY-----). Convert with: openssl pkcs8 -topk8 -nocrypt -in " + file
                    + " -out key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the private key is not valid base64: " + e.getMessage(), e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + ": the private key's algorithm is none of " + KEY_ALGORITHMS);
    }
}
