package io.kindling.core.internal.wire;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.core.internal.LazyLogger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Finds the cluster cookie: {@code kindling.cookie} (the builder, {@code KINDLING_COOKIE}, a system property, a
 * file layer), else the cookie file ({@code kindling.cookie.file}, default {@code ~/.kindling/cookie}), created
 * with a random cookie and owner-only permissions when absent. Like Erlang with {@code .erlang.cookie}, a cookie
 * file that others can read or write is refused. A generated cookie is 32 random bytes (base64url); a cookie shorter
 * than {@value #SHORT_COOKIE} bytes is accepted with a warning naming its length.
 *
 * <p>A cookie may also be a key token, {@value #KEY_TOKEN_PREFIX} and base64url bytes, used as the key as they are:
 * what a pool hands its runners, and what a release's generated cookie file holds.
 *
 * <p>The handshake never uses the cookie itself: {@link #key} stretches it once per process with PBKDF2-HMAC-SHA256
 * ({@value #KDF_ITERATIONS} iterations), so that guessing a cookie offline from a captured handshake costs that
 * many HMACs per guess instead of one.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Cookies {

    private static final System.Logger LOG = LazyLogger.of(Cookies.class.getName());
    /** Cookies shorter than this many bytes get a warning. */
    static final int SHORT_COOKIE = 16;
    /** PBKDF2 iterations: each offline guess costs this many HMAC-SHA256 computations. */
    static final int KDF_ITERATIONS = 200_000;
    private static final byte[] KDF_SALT = "kindling cookie key v2".getBytes(StandardCharsets.UTF_8);
    /**
     * A "cookie" that carries a derived key instead ({@link #keyToken}): what a pool hands its runners, so that a
     * runner JVM starts without the derivation.
     */
    static final String KEY_TOKEN_PREFIX = "kindling-key-v2:";
    /** Keys already derived in this process, by the cookie's SHA-256: nodes sharing a JVM derive once. */
    private static final Map<String, byte[]> KEYS = new ConcurrentHashMap<>();

    private Cookies() {
    }

    static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".kindling", "cookie");
    }

    /**
     * Finds the cookie a node with this configuration uses.
     *
     * @param config the node's configuration
     * @return the cookie's bytes
     * @throws io.kindling.api.ConfigException if the cookie is empty, or the file is unreadable or not private
     */
    public static byte[] resolve(Config config) {
        String cookie = config.get("kindling.cookie").orElse(null);
        if (cookie != null) {
            if (cookie.isBlank()) {
                throw new ConfigException("kindling.cookie", "Setting " + config.fullKey("kindling.cookie")
                        + " is empty; give a non-empty cookie, or unset it to use the cookie file");
            }
            return checked(cookie.trim().getBytes(StandardCharsets.UTF_8), config.fullKey("kindling.cookie"));
        }
        String file = config.get("kindling.cookie.file").filter(f -> !f.isBlank()).orElse(null);
        return readOrCreate(file == null ? defaultFile() : Path.of(file.trim()));
    }

    /**
     * Reads a cookie file, creating it with a random cookie (owner-only) when absent.
     *
     * @param file the file
     * @return the cookie's bytes
     * @throws io.kindling.api.ConfigException if the file is empty, unreadable, or readable by others
     */
    public static byte[] readOrCreate(Path file) {
        if (!Files.exists(file)) {
            create(file);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        try {
            if (view != null) {
                Set<PosixFilePermission> permissions = view.readAttributes().permissions();
                if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new ConfigException("kindling.cookie.file", "Cookie file " + file
                            + " is accessible by other users (permissions "
                            + PosixFilePermissions.toString(permissions) + "); make it private with: chmod 600 "
                            + file);
                }
            }
            String cookie = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (cookie.isEmpty()) {
                throw new ConfigException("kindling.cookie.file", "Cookie file " + file
                        + " is empty; write a cookie into it, or delete it to have one generated");
            }
            return checked(cookie.getBytes(StandardCharsets.UTF_8), "cookie file " + file);
        } catch (IOException e) {
            throw new ConfigException("kindling.cookie.file", "Cannot read cookie file " + file + ": " + e);
        }
    }

    /** Creates the file atomically: written under a temporary name, then linked into place. */
    private static void create(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rwx------")));
            }
            Path temporary = Files.createTempFile(dir, ".cookie", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temporary, generate(), StandardCharsets.UTF_8);
                Files.createLink(file, temporary);
                LOG.log(System.Logger.Level.INFO, "Created the cookie file " + file.toAbsolutePath()
                        + " with a random cookie (owner-only); give every node of the cluster the same file, or"
                        + " set KINDLING_COOKIE");
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException("kindling.cookie.file", "Cannot create cookie file " + file + ": " + e
                    + "; create it yourself (chmod 600) or set KINDLING_COOKIE");
        }
    }

    /** {@return a new cookie: 32 random bytes, base64url without padding (43 characters)} */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] checked(byte[] cookie, String source) {
        if (cookie.length < SHORT_COOKIE && !isKeyToken(cookie)) {
            LOG.log(System.Logger.Level.WARNING, "The cookie from " + source + " is " + cookie.length
                    + " bytes long: a cookie shorter than " + SHORT_COOKIE + " bytes can be guessed. Use 32 random "
                    + "bytes, for example from: openssl rand -base64 32");
        }
        return cookie;
    }

    /**
     * The key the handshake proves possession of: PBKDF2-HMAC-SHA256 of the cookie, {@value #KDF_ITERATIONS}
     * iterations, a fixed salt, 32 bytes. Derived once per cookie and process (about 0.1 to 0.6 s); a
     * {@linkplain #keyToken key token} is decoded instead.
     *
     * @param cookie the cookie's bytes (UTF-8 text)
     * @return the key
     */
    public static byte[] key(byte[] cookie) {
        if (isKeyToken(cookie)) {
            String token = new String(cookie, StandardCharsets.UTF_8).trim();
            try {
                byte[] key = Base64.getUrlDecoder().decode(token.substring(KEY_TOKEN_PREFIX.length()));
                if (key.length < SHORT_COOKIE) {
                    throw new ConfigException("kindling.cookie", "The cookie is a key token with a " + key.length
                            + "-byte key; a key token carries at least " + SHORT_COOKIE + " bytes (releases write 32)");
                }
                return key;
            } catch (IllegalArgumentException e) {
                throw new ConfigException("kindling.cookie", "The cookie looks like a derived key (it starts with "
                        + KEY_TOKEN_PREFIX + ") but is not valid base64url: " + e.getMessage());
            }
        }
        String id;
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
        byte[] key = KEYS.get(id);
        if (key == null) {
            key = derive(cookie);
            if (KEYS.size() > 64) {
                KEYS.clear(); // a process uses one or two cookies; many means a test churning them
            }
            KEYS.put(id, key);
        }
        return key.clone();
    }

    /**
     * The key of a cookie as a cookie-shaped token ({@value #KEY_TOKEN_PREFIX} + base64url): a node given it as its
     * cookie uses the key as is. It authenticates like the cookie (guard it the same way) but does not reveal it.
     *
     * @param cookie the cookie's bytes
     * @return the token
     */
    public static String keyToken(byte[] cookie) {
        return KEY_TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key(cookie));
    }

    private static boolean isKeyToken(byte[] cookie) {
        return new String(cookie, StandardCharsets.UTF_8).startsWith(KEY_TOKEN_PREFIX);
    }

    private static byte[] derive(byte[] cookie) {
        char[] password = new String(cookie, StandardCharsets.UTF_8).toCharArray();
        PBEKeySpec spec = new PBEKeySpec(password, KDF_SALT, KDF_ITERATIONS, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(password, '\0');
        }
    }
}
