package dev.ferry.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.tunnel.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guard in front of the HTTP/3 frame codec: frames within the limit pass byte for byte however they are split,
 * an oversized HEADERS frame is swallowed with everything after it and reported once, and DATA is never held.
 * The QPACK sections here are written by hand with literal names and values (no Huffman, no table references),
 * so their decoded size is known exactly.
 */
class FieldSectionGuardTest {
    private static final int LIMIT = 4096;

    /** One field as a QPACK literal field line with a literal name, no Huffman coding. */
    private static void literal(ByteArrayOutputStream out, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        prefixInt(out, 0x20, 3, n.length);
        out.writeBytes(n);
        prefixInt(out, 0x00, 7, v.length);
        out.writeBytes(v);
    }

    private static void prefixInt(ByteArrayOutputStream out, int flags, int bits, long value) {
        int max = (1 << bits) - 1;
        if (value < max) {
            out.write(flags | (int) value);
            return;
        }
        out.write(flags | max);
        value -= max;
        while (value >= 128) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>= 7;
        }
        out.write((int) value);
    }

    /** A HEADERS frame whose section holds {@code fields} name/value pairs. */
    private static byte[] headersFrame(String... fields) {
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        section.write(0); // Required Insert Count
        section.write(0); // Delta Base
        for (int i = 0; i < fields.length; i += 2) {
            literal(section, fields[i], fields[i + 1]);
        }
        return frame(0x01, section.toByteArray());
    }

    private static byte[] frame(long type, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        VarInt.write(b, type);
        VarInt.write(b, payload.length);
        b.writeBytes(payload);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A channel with the guard first and a recorder of what passes it and of the events it fires. */
    private static final class Rig {
        final List<Object> events = new ArrayList<>();
        final EmbeddedChannel channel = new EmbeddedChannel(new FieldSectionGuard(LIMIT),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        events.add(evt);
                    }
                });

        void feed(byte[] bytes, int... cuts) {
            int from = 0;
            for (int cut : cuts) {
                channel.writeInbound(Unpooled.copiedBuffer(bytes, from, cut - from));
                from = cut;
            }
            channel.writeInbound(Unpooled.copiedBuffer(bytes, from, bytes.length - from));
        }

        byte[] passed() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuf b;
            while ((b = channel.readInbound()) != null) {
                byte[] chunk = new byte[b.readableBytes()];
                b.readBytes(chunk);
                b.release();
                out.writeBytes(chunk);
            }
            return out.toByteArray();
        }
    }

    @Test
    void passesFramesWithinTheLimitByteForByteHoweverTheyAreSplit() {
        byte[] stream = concat(headersFrame(":method", "POST", "cookie", "a".repeat(2000)),
                frame(0x00, "hello".getBytes(StandardCharsets.US_ASCII)),
                headersFrame("x-trailer", "1"));
        for (int cut = 1; cut < stream.length; cut += 97) {
            Rig rig = new Rig();
            rig.feed(stream, 1, cut);
            assertArrayEquals(stream, rig.passed(), "split at 1 and " + cut);
            assertTrue(rig.events.isEmpty(), "no refusal expected: " + rig.events);
            assertFalse(rig.channel.finish());
        }
    }

    @Test
    void passesDataAsItArrivesWithoutWaitingForTheWholeFrame() {
        Rig rig = new Rig();
        byte[] head = headersFrame(":method", "POST");
        byte[] data = frame(0x00, new byte[10_000]);
        byte[] stream = concat(head, data);
        rig.channel.writeInbound(Unpooled.copiedBuffer(stream, 0, head.length + 100));
        assertEquals(head.length + 100, rig.passed().length, "the DATA frame's start must pass at once");
        rig.channel.writeInbound(Unpooled.copiedBuffer(stream, head.length + 100, stream.length - head.length - 100));
        assertEquals(stream.length - head.length - 100, rig.passed().length);
    }

    @Test
    void refusesAHeaderSectionWhoseFrameIsLongerThanTheLimitAndDropsTheRest() {
        Rig rig = new Rig();
        rig.feed(concat(headersFrame("cookie", "a".repeat(LIMIT + 10)), frame(0x00, new byte[5])), 3);
        assertEquals(0, rig.passed().length);
        assertEquals(1, rig.events.size());
        FieldSectionGuard.FieldSectionTooLarge event =
                assertInstanceOf(FieldSectionGuard.FieldSectionTooLarge.class, rig.events.get(0));
        assertFalse(event.trailers());
        assertEquals(LIMIT, event.limit());
        rig.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertNull(rig.channel.readInbound(), "nothing passes after a refusal");
        rig.channel.finishAndReleaseAll();
    }

    @Test
    void refusesASectionThatFitsEncodedButDecodesOverTheLimit() {
        // 200 one-byte static references, each counted as the largest static entry plus 32: far over 4 KiB decoded
        // although the frame is 202 bytes.
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        section.write(0);
        section.write(0);
        for (int i = 0; i < 200; i++) {
            section.write(0xC0 | 17); // indexed static ":method GET"
        }
        Rig rig = new Rig();
        rig.feed(frame(0x01, section.toByteArray()));
        assertEquals(0, rig.passed().length);
        assertEquals(1, rig.events.size());
    }

    @Test
    void reportsOversizedTrailersAsTrailersAfterTheHeadAndBodyPassed() {
        Rig rig = new Rig();
        byte[] head = headersFrame(":method", "POST");
        byte[] data = frame(0x00, "body".getBytes(StandardCharsets.US_ASCII));
        rig.feed(concat(head, data, headersFrame("x-big", "b".repeat(LIMIT))));
        assertArrayEquals(concat(head, data), rig.passed());
        FieldSectionGuard.FieldSectionTooLarge event =
                assertInstanceOf(FieldSectionGuard.FieldSectionTooLarge.class, rig.events.get(0));
        assertTrue(event.trailers());
    }

    @Test
    void boundIsExactForLiteralsAndCountsThirtyTwoBytesPerField() {
        byte[] frame = headersFrame("ab", "cde", "f", "");
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        long bound = FieldSectionSize.upperBound(buf, 2, frame.length - 2, Long.MAX_VALUE);
        assertEquals((32 + 2 + 3) + (32 + 1), bound);
    }
}
