package dev.ferry.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryTokensTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 40000);
    private static final ByteBuf ODCID = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RetryTokens tokens(RetryTokens.Mode mode, long above) {
        return new RetryTokens(mode, above, 30_000, now::get);
    }

    private static ByteBuf mint(RetryTokens tokens, InetSocketAddress client) {
        ByteBuf out = Unpooled.buffer();
        assertTrue(tokens.writeToken(out, ODCID.duplicate(), client));
        assertTrue(out.readableBytes() <= tokens.maxTokenLength());
        return out;
    }

    @Test
    void aTokenFromTheSameAddressIsValidAndCarriesTheOriginalDcidAtItsTail() {
        RetryTokens tokens = tokens(RetryTokens.Mode.ALWAYS, 1);
        ByteBuf token = mint(tokens, CLIENT);
        int offset = tokens.validateToken(token.duplicate(), CLIENT);
        assertTrue(offset > 0);
        assertEquals(ByteBufUtil.hexDump(ODCID), ByteBufUtil.hexDump(token.slice(offset, token.readableBytes() - offset)));
    }

    @Test
    void anotherAddressOrPortATamperedByteOrAnExpiredTokenIsRefused() {
        RetryTokens tokens = tokens(RetryTokens.Mode.ALWAYS, 1);
        ByteBuf token = mint(tokens, CLIENT);
        assertEquals(-1, tokens.validateToken(token.duplicate(), new InetSocketAddress("192.0.2.8", 40000)));
        assertEquals(-1, tokens.validateToken(token.duplicate(), new InetSocketAddress("192.0.2.7", 40001)));
        for (int i = 0; i < token.readableBytes(); i++) {
            ByteBuf tampered = token.copy();
            tampered.setByte(i, tampered.getByte(i) ^ 0x01);
            assertEquals(-1, tokens.validateToken(tampered, CLIENT), "byte " + i + " changed");
        }
        assertEquals(-1, tokens.validateToken(Unpooled.wrappedBuffer(new byte[30]), CLIENT), "forged");
        now.addAndGet(30_001);
        assertEquals(-1, tokens.validateToken(token.duplicate(), CLIENT), "expired");
    }

    @Test
    void aTokenSurvivesOneKeyRotationButNotTwo() {
        RetryTokens tokens = new RetryTokens(RetryTokens.Mode.ALWAYS, 1, 3 * RetryTokens.KEY_LIFETIME_MILLIS, now::get);
        ByteBuf token = mint(tokens, CLIENT);
        now.addAndGet(RetryTokens.KEY_LIFETIME_MILLIS + 1);
        mint(tokens, CLIENT);
        assertTrue(tokens.validateToken(token.duplicate(), CLIENT) > 0, "previous key still accepted");
        now.addAndGet(RetryTokens.KEY_LIFETIME_MILLIS + 1);
        mint(tokens, CLIENT);
        assertEquals(-1, tokens.validateToken(token.duplicate(), CLIENT), "key two rotations old");
    }

    @Test
    void autoSendsRetryOnlyAboveTheHandshakeRate() {
        RetryTokens tokens = tokens(RetryTokens.Mode.AUTO, 3);
        int retries = 0;
        for (int i = 0; i < 10; i++) {
            if (tokens.writeToken(Unpooled.buffer(), ODCID.duplicate(), CLIENT)) {
                retries++;
            }
        }
        assertEquals(7, retries, "the first three handshakes of the second go without Retry");
        now.addAndGet(1_000);
        assertFalse(tokens.writeToken(Unpooled.buffer(), ODCID.duplicate(), CLIENT), "a new second starts over");
    }
}
