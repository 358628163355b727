package io.kindling.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI for tests, made with the JDK's {@code keytool} (as the README tells users to): certificate
 * authorities, and node certificates they sign with a chosen subject alternative name and validity, written as
 * PKCS#12 and as PEM files.
 */
public final class TestPki {

    /** The password of every key store it writes. */
    public static final String PASSWORD = "changeit";

    private final Path dir;

    /**
     * @param dir where the files go
     */
    public TestPki(Path dir) {
        this.dir = dir;
    }

    /** A certificate authority: its key store and its certificate as PEM. */
    public record Authority(String name, Path keyStore, Path certificate) {
    }

    /** A node's material, both ways: a PKCS#12 key store (key and chain) and PEM chain and key. */
    public record NodeCertificate(Path keyStore, Path certificatePem, Path privateKeyPem) {
    }

    /**
     * A certificate authority valid for 30 days.
     *
     * @param name file name stem and CN
     * @return its files
     * @throws Exception if keytool fails
     */
    public Authority authority(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "30");
        KeyStore keys = load(store);
        Path pem = dir.resolve(name + ".pem");
        Files.writeString(pem, pem(List.of(keys.getCertificate("ca"))));
        return new Authority(name, store, pem);
    }

    /**
     * A node certificate.
     *
     * @param name file name stem and CN
     * @param issuer the authority that signs it
     * @param san keytool's SAN form, e.g. {@code ip:127.0.0.1} or {@code dns:elsewhere.example}
     * @param startDate keytool's start date, e.g. {@code -10d}; {@code null} for now
     * @param validityDays days it is valid from its start
     * @return its files
     * @throws Exception if keytool fails
     */
    public NodeCertificate node(String name, Authority issuer, String san, String startDate, int validityDays)
            throws Exception {
        Path request = dir.resolve(name + ".p12.tmp");
        Files.deleteIfExists(request);
        keytool("-genkeypair", "-keystore", request.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name);
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-keystore", request.toString(), "-storepass", PASSWORD, "-alias", "node", "-file",
                csr.toString());
        Path signed = dir.resolve(name + ".crt");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-keystore", issuer.keyStore().toString(),
                "-storepass", PASSWORD, "-alias", "ca", "-infile", csr.toString(), "-outfile", signed.toString(),
                "-rfc", "-ext", "SAN=" + san, "-validity", String.valueOf(validityDays)));
        if (startDate != null) {
            sign.addAll(List.of("-startdate", startDate));
        }
        keytool(sign.toArray(new String[0]));
        PrivateKey key = (PrivateKey) load(request).getKey("node", PASSWORD.toCharArray());
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(signed)) {
            chain.add(CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        chain.add(load(issuer.keyStore()).getCertificate("ca"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("node", key, PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
        Path p12 = privateFile(dir.resolve(name + ".p12"));
        try (OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, PASSWORD.toCharArray());
        }
        Files.delete(request);
        Path chainPem = dir.resolve(name + "-chain.pem");
        Files.writeString(chainPem, pem(chain));
        Path keyPem = privateFile(dir.resolve(name + "-key.pem"));
        Files.writeString(keyPem, block("PRIVATE KEY", key.getEncoded()));
        return new NodeCertificate(p12, chainPem, keyPem);
    }

    /**
     * Writes a PEM bundle of several authorities' certificates.
     *
     * @param name file name stem
     * @param authorities the authorities
     * @return the file
     * @throws IOException if it cannot be written
     */
    public Path bundle(String name, Authority... authorities) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Authority authority : authorities) {
            text.append(Files.readString(authority.certificate()));
        }
        Path file = dir.resolve(name + ".pem");
        Files.writeString(file, text);
        return file;
    }

    /**
     * Writes a PKCS#12 trust store holding several authorities' certificates.
     *
     * @param name file name stem
     * @param authorities the authorities
     * @return the file
     * @throws Exception if it cannot be written
     */
    public Path trustStore(String name, Authority... authorities) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Authority authority : authorities) {
            store.setCertificateEntry(authority.name(), load(authority.keyStore()).getCertificate("ca"));
        }
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    /**
     * Replaces a file atomically, as a rotation tool (or a Kubernetes secret update) does.
     *
     * @param target the file replaced
     * @param source what it becomes
     * @throws IOException if it cannot be replaced
     */
    public static void replace(Path target, Path source) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".new");
        Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path privateFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return file;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static String pem(List<Certificate> certificates) throws Exception {
        StringBuilder text = new StringBuilder();
        for (Certificate certificate : certificates) {
            text.append(block("CERTIFICATE", certificate.getEncoded()));
        }
        return text.toString();
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("keytool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("keytool " + String.join(" ", args) + " failed or took over 60 s:\n"
                        + Files.readString(log));
            }
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
