package io.kindling.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The handshake's HMAC-SHA256 gives RFC 4231's codes and the same bytes as {@code javax.crypto.Mac}. */
class HmacSha256Test {

    private static final HexFormat HEX = HexFormat.of();

    private static String code(byte[] key, byte[]... parts) {
        HmacSha256 mac = new HmacSha256(key);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return HEX.formatHex(mac.doFinal());
    }

    @Test
    void rfc4231TestCases() {
        // Test case 1: a 20-byte key
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                code(HEX.parseHex("0b".repeat(20)), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        // Test case 2: a key shorter than the output
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                code("Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya want ".getBytes(StandardCharsets.US_ASCII),
                        "for nothing?".getBytes(StandardCharsets.US_ASCII)));
        // Test case 3: 50 bytes of 0xdd
        assertEquals("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                code(HEX.parseHex("aa".repeat(20)), HEX.parseHex("dd".repeat(50))));
        // Test case 6: a 131-byte key, longer than a block, is hashed first
        assertEquals("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                code(HEX.parseHex("aa".repeat(131)),
                        "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void sameBytesAsTheJdksMacForKeysAndMessagesOfManyLengths() throws Exception {
        Random random = new Random(4231);
        for (int keyLength : new int[] {1, 16, 32, 63, 64, 65, 100, 200}) {
            for (int messageLength : new int[] {0, 1, 55, 56, 64, 119, 1000}) {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[messageLength];
                random.nextBytes(key);
                random.nextBytes(message);
                Mac jdk = Mac.getInstance("HmacSHA256");
                jdk.init(new SecretKeySpec(key, "HmacSHA256"));
                assertArrayEquals(jdk.doFinal(message), new HmacSha256(key).update(message).doFinal(),
                        "key " + keyLength + " bytes, message " + messageLength + " bytes");
            }
        }
    }

    @Test
    void aFinishedCodeRefusesMore() {
        HmacSha256 mac = new HmacSha256(new byte[] {1, 2, 3}).update(new byte[] {4});
        mac.doFinal();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, mac::doFinal);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> mac.update(new byte[1]));
    }
}
