package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.NodeName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What a captured handshake is worth to an offline guesser: a proof is an HMAC keyed by PBKDF2 of the cookie with
 * 200,000 iterations, so each guess costs 200,000 HMACs (the old proof, keyed by the cookie itself, cost one).
 */
class CookieKeyTest {

    private static final NodeName DIALER = NodeName.of("a", "127.0.0.1");
    private static final NodeName ACCEPTOR = NodeName.of("b", "127.0.0.1");

    @Test
    void theKeyIsPbkdf2OfTheCookieWithAtLeast200000Iterations() throws Exception {
        byte[] cookie = "secret".getBytes(StandardCharsets.UTF_8);
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(
                "secret".toCharArray(), "kindling cookie key v2".getBytes(StandardCharsets.UTF_8), 200_000, 256))
                .getEncoded();
        assertTrue(Cookies.KDF_ITERATIONS >= 200_000);
        assertArrayEquals(expected, Cookies.key(cookie));
    }

    @Test
    void aProofMadeWithoutTheStretchedKeyDoesNotMatch() {
        byte[] cookie = "secret".getBytes(StandardCharsets.UTF_8);
        byte[] dialerNonce = Handshake.nonce();
        byte[] acceptorNonce = Handshake.nonce();
        byte[] genuine = Handshake.proof(Cookies.key(cookie), "dialer", DIALER, ACCEPTOR, dialerNonce, acceptorNonce,
                new byte[0]);
        byte[] cheap = Handshake.proof(cookie, "dialer", DIALER, ACCEPTOR, dialerNonce, acceptorNonce, new byte[0]);
        assertFalse(Arrays.equals(genuine, cheap), "checking a guess needs the 200,000-iteration key");
        byte[] otherChannel = Handshake.proof(Cookies.key(cookie), "dialer", DIALER, ACCEPTOR, dialerNonce,
                acceptorNonce, new byte[] {1});
        assertFalse(Arrays.equals(genuine, otherChannel), "the proof covers the channel binding");
    }

    @Test
    void aKeyTokenAuthenticatesLikeItsCookieWithoutRevealingIt() {
        byte[] cookie = "Vb5kQ2nL8xR1tY7wZ3cM9dF4gH6jK0pS".getBytes(StandardCharsets.UTF_8);
        String token = Cookies.keyToken(cookie);
        assertFalse(token.contains("Vb5kQ2nL8xR1tY7w"), token);
        assertArrayEquals(Cookies.key(cookie), Cookies.key(token.getBytes(StandardCharsets.UTF_8)));
    }
}
