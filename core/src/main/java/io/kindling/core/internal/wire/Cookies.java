package io.kindling.core.internal.wire;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Finds the cluster cookie: {@code kindling.cookie} (the builder, {@code KINDLING_COOKIE}, a system property, a
 * file layer), else the cookie file ({@code kindling.cookie.file}, default {@code ~/.kindling/cookie}), created
 * with a random cookie and owner-only permissions when absent. Like Erlang with {@code .erlang.cookie}, a cookie
 * file that others can read or write is refused.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Cookies {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

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
            return cookie.trim().getBytes(StandardCharsets.UTF_8);
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
            return cookie.getBytes(StandardCharsets.UTF_8);
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
                Files.writeString(temporary, random(32), StandardCharsets.UTF_8);
                Files.createLink(file, temporary);
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

    private static String random(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder cookie = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            cookie.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return cookie.toString();
    }
}
