package dev.ferry.http3;

import dev.ferry.bridge.tunnel.VarInt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HttpDatagramTest {

    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    /** Stream IDs at the boundaries of each Quarter Stream ID length, context IDs likewise, and the expected size. */
    static Stream<Arguments> roundTrips() {
        return Stream.of(
                arguments(0L, 0L, 2),
                arguments(4L, 0L, 2),
                arguments(252L, 0L, 2),
                arguments(256L, 0L, 3),
                arguments(4L * 16_383, 63L, 3),
                arguments(4L * 16_384, 64L, 6),
                arguments(4L * ((1L << 30) - 1), 16_384L, 8),
                arguments(4L * (1L << 30), (1L << 30), 16),
                arguments((1L << 62) - 4, VarInt.MAX, 16));
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void roundTripsStreamIdContextIdAndPayload(long streamId, long contextId, int overhead) {
        byte[] payload = {1, 2, 3, 4, 5};
        ByteBuf source = Unpooled.wrappedBuffer(payload);
        ByteBuf frame = HttpDatagram.encode(ALLOC, streamId, contextId, source);
        assertEquals(0, source.refCnt());
        assertEquals(overhead, HttpDatagram.overhead(streamId, contextId));
        assertEquals(overhead + payload.length, frame.readableBytes());
        assertEquals(streamId, HttpDatagram.streamId(frame));

        HttpDatagram.Decoded decoded = HttpDatagram.decode(frame);
        assertEquals(streamId, decoded.streamId());
        assertEquals(contextId, decoded.contextId());
        assertArrayEquals(payload, ByteBufUtil.getBytes(decoded.payload()));
        assertEquals(0, frame.readerIndex());
        assertEquals(2, frame.refCnt());
        decoded.payload().release();
        assertTrue(frame.release());
    }

    @Test
    void encodesQuarterStreamIdThenContextIdThenPayload() {
        ByteBuf frame = HttpDatagram.encode(ALLOC, 8, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF}));
        assertEquals("0200ff", ByteBufUtil.hexDump(frame));
        frame.release();
    }

    @Test
    void decodesEmptyPayload() {
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x01, 0x00});
        HttpDatagram.Decoded decoded = HttpDatagram.decode(frame);
        assertEquals(4, decoded.streamId());
        assertEquals(0, decoded.payload().readableBytes());
        decoded.payload().release();
    }

    /** Truncated Quarter Stream ID, truncated Context ID, Quarter Stream ID above 2^60-1 (RFC 9297 section 2.1). */
    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("", false),
                arguments("40", false),
                arguments("80aabb", false),
                arguments("c0000000000000", false),
                arguments("d000000000000000", false),
                arguments("ffffffffffffffff00", false),
                arguments("04", true),
                arguments("0440", true),
                arguments("04c0000000", true));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void decodesMalformedDatagramAsNull(String hex, boolean streamIdValid) {
        ByteBuf frame = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        assertNull(HttpDatagram.decode(frame));
        assertEquals(streamIdValid ? 16 : -1, HttpDatagram.streamId(frame));
        assertEquals(0, frame.readerIndex());
        assertEquals(1, frame.refCnt());
    }

    @Test
    void acceptsLargestLegalQuarterStreamId() {
        ByteBuf frame = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("cfffffffffffffff00"));
        HttpDatagram.Decoded decoded = HttpDatagram.decode(frame);
        assertEquals((1L << 62) - 4, decoded.streamId());
        decoded.payload().release();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, -4, 1L << 62})
    void rejectsStreamIdsThatAreNotClientInitiatedBidirectional(long streamId) {
        ByteBuf payload = Unpooled.buffer(1).writeByte(1);
        assertThrows(IllegalArgumentException.class, () -> HttpDatagram.encode(ALLOC, streamId, 0, payload));
        assertEquals(0, payload.refCnt());
        assertThrows(IllegalArgumentException.class, () -> HttpDatagram.overhead(streamId, 0));
    }

    @Test
    void rejectsContextIdOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> HttpDatagram.overhead(0, -1));
        assertThrows(IllegalArgumentException.class, () -> HttpDatagram.overhead(0, VarInt.MAX + 1));
    }
}
