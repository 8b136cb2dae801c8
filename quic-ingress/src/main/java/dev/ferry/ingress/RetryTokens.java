package dev.ferry.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Address validation with Retry (RFC 9000 8.1.2): the listener answers a client's first Initial with a Retry
 * carrying a token, and starts the handshake only when the client's next Initial brings the token back from the
 * same address. A spoofed source address never sees the Retry, so it cannot make the relay do handshake work or
 * amplify traffic towards a victim.
 *
 * <p>A token is {@code version (1) | issued at, ms (8) | HMAC-SHA256 truncated to 16 | original DCID}; the MAC
 * covers the version, the time, the client's IP address and port and the original DCID, under a key that is
 * random per process and replaced every {@link #KEY_LIFETIME_MILLIS}; the previous key is still accepted, so that
 * a token issued just before a rotation works. Tokens are valid for {@code lifetimeMillis}. Netty reads the
 * original DCID from the token's tail.
 *
 * <p>Modes: {@link Mode#ALWAYS}; {@link Mode#AUTO}, which sends Retry only while new handshakes arrive faster than
 * a threshold (a flood then costs its senders a round trip each, while normal load pays nothing); and off, which
 * is no token handler at all. Shared by the listener's sockets; thread-safe.
 */
public final class RetryTokens implements QuicTokenHandler {
    /** When to send Retry. */
    public enum Mode { ALWAYS, AUTO }

    /** How long a MAC key is used for new tokens. */
    static final long KEY_LIFETIME_MILLIS = 10 * 60 * 1000;
    private static final byte VERSION = 1;
    private static final int MAC_LENGTH = 16;
    private static final int HEADER = 1 + 8 + MAC_LENGTH;
    /** QUIC connection IDs are at most 20 bytes (RFC 9000 17.2). */
    private static final int MAX_CID = 20;

    private final Mode mode;
    private final long handshakesPerSecond;
    private final long lifetimeMillis;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong windowSecond = new AtomicLong();
    private final AtomicLong windowCount = new AtomicLong();
    private volatile Keys keys;

    private record Keys(long since, byte[] current, byte[] previous) {
    }

    /**
     * @param handshakesPerSecond for {@link Mode#AUTO}: Retry is sent while more new handshakes than this arrive
     *                            within one second
     * @param lifetimeMillis      how long a token stays valid after it was issued
     * @param clock               milliseconds, {@code System::currentTimeMillis} outside tests
     */
    public RetryTokens(Mode mode, long handshakesPerSecond, long lifetimeMillis, LongSupplier clock) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.handshakesPerSecond = handshakesPerSecond;
        this.lifetimeMillis = lifetimeMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = new Keys(clock.getAsLong(), newKey(), null);
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long now = clock.getAsLong();
        if (mode == Mode.AUTO && !overThreshold(now)) {
            return false;
        }
        Keys k = currentKeys(now);
        int odcidLength = dcid.readableBytes();
        byte[] odcid = new byte[odcidLength];
        dcid.getBytes(dcid.readerIndex(), odcid);
        out.writeByte(VERSION);
        out.writeLong(now);
        out.writeBytes(mac(k.current(), now, address, odcid));
        out.writeBytes(odcid);
        return true;
    }

    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int start = token.readerIndex();
        int length = token.readableBytes();
        if (length < HEADER || length > HEADER + MAX_CID || token.getByte(start) != VERSION) {
            return -1;
        }
        long issued = token.getLong(start + 1);
        long now = clock.getAsLong();
        if (issued > now + 1_000 || now - issued > lifetimeMillis) {
            return -1;
        }
        byte[] mac = new byte[MAC_LENGTH];
        token.getBytes(start + 9, mac);
        byte[] odcid = new byte[length - HEADER];
        token.getBytes(start + HEADER, odcid);
        Keys k = currentKeys(now);
        if (MessageDigest.isEqual(mac, mac(k.current(), issued, address, odcid))
                || (k.previous() != null && MessageDigest.isEqual(mac, mac(k.previous(), issued, address, odcid)))) {
            return HEADER;
        }
        return -1;
    }

    @Override
    public int maxTokenLength() {
        return HEADER + MAX_CID;
    }

    /** Counts one new handshake and says whether this second's count is over the threshold. */
    private boolean overThreshold(long now) {
        long second = now / 1000;
        long seen = windowSecond.get();
        if (seen != second && windowSecond.compareAndSet(seen, second)) {
            windowCount.set(0);
        }
        return windowCount.incrementAndGet() > handshakesPerSecond;
    }

    private Keys currentKeys(long now) {
        Keys k = keys;
        if (now - k.since() >= KEY_LIFETIME_MILLIS) {
            synchronized (this) {
                k = keys;
                if (now - k.since() >= KEY_LIFETIME_MILLIS) {
                    // A token from before two rotations is older than any lifetime worth having.
                    k = new Keys(now, newKey(), now - k.since() >= 2 * KEY_LIFETIME_MILLIS ? null : k.current());
                    keys = k;
                }
            }
        }
        return k;
    }

    private byte[] newKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    private static byte[] mac(byte[] key, long issued, InetSocketAddress address, byte[] odcid) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(VERSION);
            for (int i = 7; i >= 0; i--) {
                hmac.update((byte) (issued >>> (8 * i)));
            }
            hmac.update(address.getAddress().getAddress());
            hmac.update((byte) (address.getPort() >>> 8));
            hmac.update((byte) address.getPort());
            hmac.update(odcid);
            byte[] full = hmac.doFinal();
            byte[] truncated = new byte[MAC_LENGTH];
            System.arraycopy(full, 0, truncated, 0, MAC_LENGTH);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
