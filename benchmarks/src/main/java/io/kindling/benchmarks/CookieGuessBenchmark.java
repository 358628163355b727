package io.kindling.benchmarks;

import io.kindling.core.internal.wire.Cookies;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one guess costs someone who captured a handshake and tries cookies offline: before, one HMAC-SHA256 keyed by
 * the guess over the proof's message; now, Kindling's key derivation of the guess ({@code Cookies.key}) and then
 * that HMAC. Prints guesses per second for each and the ratio, on one core.
 */
public final class CookieGuessBenchmark {

    private CookieGuessBenchmark() {
    }

    /**
     * Runs it.
     *
     * @param args ignored
     * @throws Exception if the JDK lacks HMAC-SHA256
     */
    public static void main(String[] args) throws Exception {
        byte[] message = new byte[160]; // role, names and two 32-byte nonces, as in a PROOF
        new SecureRandom().nextBytes(message);
        Mac mac = Mac.getInstance("HmacSHA256");
        long sink = 0;
        // the old proof: HMAC keyed by the guess itself
        for (int i = 0; i < 200_000; i++) {
            sink += guessOld(mac, message, i);
        }
        int oldGuesses = 2_000_000;
        long started = System.nanoTime();
        for (int i = 0; i < oldGuesses; i++) {
            sink += guessOld(mac, message, i);
        }
        double oldPerSecond = oldGuesses / ((System.nanoTime() - started) / 1e9);
        // now: the stretched key of the guess, then the HMAC (each guess is a new cookie: no cache helps)
        sink += guessNew(mac, message, -1);
        int newGuesses = 20;
        started = System.nanoTime();
        for (int i = 0; i < newGuesses; i++) {
            sink += guessNew(mac, message, i);
        }
        double newPerSecond = newGuesses / ((System.nanoTime() - started) / 1e9);
        print("guess  old proof (HMAC of the cookie)    guesses_per_s=%.0f", oldPerSecond);
        print("guess  kindling proof (PBKDF2 key, HMAC) guesses_per_s=%.2f", newPerSecond);
        print("vs     cost per guess now/before ratio=%.0f (checksum %d)", oldPerSecond / newPerSecond, sink & 1);
    }

    private static int guessOld(Mac mac, byte[] message, int i) throws Exception {
        mac.init(new SecretKeySpec(("guess" + i).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(message)[0];
    }

    private static int guessNew(Mac mac, byte[] message, int i) throws Exception {
        byte[] key = Cookies.key(("guess-" + System.nanoTime() + "-" + i).getBytes(StandardCharsets.UTF_8));
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message)[0];
    }

    private static void print(String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, format, values));
    }
}
