package dev.ferry.bridge.tunnel;

import dev.ferry.bridge.tunnel.CapsuleDecoder.CapsuleException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapsuleDecoderTest {

    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    private final List<byte[]> received = new ArrayList<>();

    private void collect(Capsule capsule) {
        assertEquals(Capsule.DATAGRAM, capsule.type());
        received.add(ByteBufUtil.getBytes(capsule.payload()));
        capsule.payload().release();
    }

    /** A stream mixing DATAGRAM capsules of many sizes with unknown capsules, and the DATAGRAM payloads it holds. */
    private static final class Stream {
        final ByteBuf bytes = Unpooled.buffer();
        final List<byte[]> datagrams = new ArrayList<>();
        final Random random = new Random(42);

        Stream datagram(int contextId, int size) {
            byte[] payload = randomBytes(size);
            ByteBuf capsule = CapsuleEncoder.datagram(ALLOC, contextId, Unpooled.wrappedBuffer(payload));
            ByteBuf expected = Unpooled.buffer();
            VarInt.write(expected, contextId);
            expected.writeBytes(payload);
            datagrams.add(ByteBufUtil.getBytes(expected));
            bytes.writeBytes(capsule);
            capsule.release();
            return this;
        }

        Stream unknown(long type, int size) {
            ByteBuf capsule = CapsuleEncoder.capsule(ALLOC, type, Unpooled.wrappedBuffer(randomBytes(size)));
            bytes.writeBytes(capsule);
            capsule.release();
            return this;
        }

        private byte[] randomBytes(int size) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            return b;
        }
    }

    private static Stream mixedStream() {
        return new Stream()
                .datagram(0, 0).datagram(0, 1).unknown(0x17, 0).datagram(0, 62).datagram(0, 63)
                .unknown(0x2a, 300).datagram(7, 16_380).datagram(0, 16_400).unknown(VarInt.MAX, 5)
                .unknown(1L << 40, 70_000).datagram(0, 65_535).datagram(63, 1200)
                .unknown(0x01, 1);
    }

    private static void assertSameDatagrams(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "datagram " + i);
        }
    }

    @Test
    void decodesStreamFedInOneChunk() {
        Stream stream = mixedStream();
        CapsuleDecoder decoder = new CapsuleDecoder();
        decoder.feed(stream.bytes, this::collect);
        assertSameDatagrams(stream.datagrams, received);
        assertEquals(5, decoder.skippedUnknown());
        assertEquals(300 + 5 + 70_000 + 1, decoder.skippedBytes());
        assertFalse(decoder.isMidCapsule());
        assertEquals(0, decoder.bufferedBytes());
        assertEquals(0, stream.bytes.refCnt());
    }

    @Test
    void decodesStreamFedByteByByte() {
        Stream stream = mixedStream();
        CapsuleDecoder decoder = new CapsuleDecoder();
        while (stream.bytes.isReadable()) {
            ByteBuf chunk = stream.bytes.readBytes(1);
            decoder.feed(chunk, this::collect);
            assertEquals(0, chunk.refCnt());
        }
        assertSameDatagrams(stream.datagrams, received);
        assertEquals(5, decoder.skippedUnknown());
        assertEquals(300 + 5 + 70_000 + 1, decoder.skippedBytes());
        assertFalse(decoder.isMidCapsule());
        stream.bytes.release();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void decodesStreamFedInRandomSplits(long seed) {
        Stream stream = mixedStream();
        Random random = new Random(seed);
        CapsuleDecoder decoder = new CapsuleDecoder();
        while (stream.bytes.isReadable()) {
            int max = random.nextBoolean() ? 20 : 5_000;
            int n = Math.min(stream.bytes.readableBytes(), 1 + random.nextInt(max));
            decoder.feed(stream.bytes.readRetainedSlice(n), this::collect);
        }
        assertSameDatagrams(stream.datagrams, received);
        assertEquals(5, decoder.skippedUnknown());
        assertFalse(decoder.isMidCapsule());
        assertTrue(stream.bytes.release());
    }

    @Test
    void handsOnCapsuleInsideOneChunkWithoutCopying() {
        ByteBuf chunk = CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[100]));
        List<Capsule> capsules = new ArrayList<>();
        new CapsuleDecoder().feed(chunk, capsules::add);
        assertEquals(1, capsules.size());
        ByteBuf payload = capsules.get(0).payload();
        assertSame(chunk.array(), payload.array());
        assertEquals(101, payload.readableBytes());
        assertTrue(payload.release());
        assertEquals(0, chunk.refCnt());
    }

    @Test
    void skipsOneMebibyteUnknownCapsuleWithoutHoldingIt() {
        int size = 1 << 20;
        ByteBuf stream = CapsuleEncoder.capsule(ALLOC, 0x4242, Unpooled.wrappedBuffer(new byte[size]));
        ByteBuf after = CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        stream.writeBytes(after);
        after.release();
        CapsuleDecoder decoder = new CapsuleDecoder();
        int maxBuffered = 0;
        while (stream.isReadable()) {
            decoder.feed(stream.readRetainedSlice(Math.min(997, stream.readableBytes())), this::collect);
            maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes());
        }
        assertTrue(maxBuffered <= 16, "buffered " + maxBuffered);
        assertEquals(1, decoder.skippedUnknown());
        assertEquals(size, decoder.skippedBytes());
        assertSameDatagrams(List.of(new byte[] {0, 1, 2, 3}), received);
        assertFalse(decoder.isMidCapsule());
        stream.release();
    }

    @Test
    void streamsThroughUnknownCapsuleOfMaximalDeclaredLength() {
        ByteBuf header = Unpooled.buffer();
        VarInt.write(header, 0x99);
        VarInt.write(header, VarInt.MAX);
        header.writeZero(4096);
        CapsuleDecoder decoder = new CapsuleDecoder();
        decoder.feed(header, this::collect);
        assertEquals(1, decoder.skippedUnknown());
        assertEquals(4096, decoder.skippedBytes());
        assertEquals(0, decoder.bufferedBytes());
        assertTrue(decoder.isMidCapsule());
    }

    @Test
    void refusesDatagramCapsuleLongerThanMaximumBeforeItsPayloadArrives() {
        ByteBuf header = Unpooled.buffer();
        VarInt.write(header, Capsule.DATAGRAM);
        VarInt.write(header, CapsuleDecoder.DEFAULT_MAX_DATAGRAM_CAPSULE_LENGTH + 1);
        CapsuleDecoder decoder = new CapsuleDecoder();
        CapsuleException e = assertThrows(CapsuleException.class, () -> decoder.feed(header, this::collect));
        assertTrue(e.getMessage().contains("DATAGRAM capsule"), e.getMessage());
        assertEquals(0, header.refCnt());
        ByteBuf more = Unpooled.buffer().writeZero(10);
        assertThrows(IllegalStateException.class, () -> decoder.feed(more, this::collect));
        assertEquals(0, more.refCnt());
    }

    @Test
    void acceptsDatagramCapsuleOfExactlyTheConfiguredMaximum() {
        CapsuleDecoder decoder = new CapsuleDecoder(ALLOC, 10);
        decoder.feed(CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[9])), this::collect);
        assertEquals(1, received.size());
        ByteBuf tooLong = CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[10]));
        assertThrows(CapsuleException.class, () -> decoder.feed(tooLong, this::collect));
        assertEquals(0, tooLong.refCnt());
    }

    @Test
    void reportsMidCapsuleInHeaderPayloadAndSkippedValue() {
        ByteBuf stream = CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[1000]));
        CapsuleDecoder decoder = new CapsuleDecoder();
        assertFalse(decoder.isMidCapsule());
        decoder.feed(stream.readRetainedSlice(2), this::collect);
        assertTrue(decoder.isMidCapsule(), "inside the header");
        decoder.feed(stream.readRetainedSlice(500), this::collect);
        assertTrue(decoder.isMidCapsule(), "inside the payload");
        assertEquals(499, decoder.bufferedBytes());
        decoder.feed(stream.readRetainedSlice(stream.readableBytes()), this::collect);
        assertFalse(decoder.isMidCapsule());
        assertEquals(1, received.size());
        assertEquals(0, decoder.bufferedBytes());
        decoder.feed(CapsuleEncoder.capsule(ALLOC, 5, Unpooled.wrappedBuffer(new byte[3])).writerIndex(4),
                this::collect);
        assertTrue(decoder.isMidCapsule(), "inside a skipped capsule");
        stream.release();
    }

    @Test
    void releaseDropsPartialCapsuleAndClosesDecoder() {
        ByteBuf stream = CapsuleEncoder.datagram(ALLOC, 0, Unpooled.wrappedBuffer(new byte[1000]));
        CapsuleDecoder decoder = new CapsuleDecoder();
        decoder.feed(stream.retainedSlice(0, 100), this::collect);
        assertTrue(decoder.bufferedBytes() > 0);
        decoder.release();
        decoder.release();
        assertEquals(0, decoder.bufferedBytes());
        assertThrows(IllegalStateException.class, () -> decoder.feed(stream, this::collect));
        assertEquals(0, stream.refCnt());
    }

    @Test
    void encodesDatagramCapsuleAndReleasesPayload() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) 0xAB, (byte) 0xCD});
        ByteBuf capsule = CapsuleEncoder.datagram(ALLOC, 0, payload);
        assertEquals("000300abcd", ByteBufUtil.hexDump(capsule));
        assertEquals(0, payload.refCnt());
        assertEquals(5, CapsuleEncoder.datagramSize(0, 2));
        capsule.release();
        ByteBuf big = CapsuleEncoder.datagram(ALLOC, 64, Unpooled.wrappedBuffer(new byte[100]));
        assertEquals("00" + "4066" + "4040", ByteBufUtil.hexDump(big, 0, 5));
        assertEquals(CapsuleEncoder.datagramSize(64, 100), big.readableBytes());
        big.release();
    }

    @Test
    void encoderRejectsBadContextIdAndStillReleasesPayload() {
        ByteBuf payload = Unpooled.buffer(4).writeInt(1);
        assertThrows(IllegalArgumentException.class, () -> CapsuleEncoder.datagram(ALLOC, -1, payload));
        assertEquals(0, payload.refCnt());
    }
}
