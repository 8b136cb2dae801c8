package dev.ferry.bridge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class VarIntTest {

    /** Boundaries of each encoded length (RFC 9000 section 16, table 4) and the examples of appendix A.1. */
    static Stream<Arguments> boundaries() {
        return Stream.of(
                arguments(0L, "00"),
                arguments(63L, "3f"),
                arguments(64L, "4040"),
                arguments(16_383L, "7fff"),
                arguments(16_384L, "80004000"),
                arguments((1L << 30) - 1, "bfffffff"),
                arguments(1L << 30, "c000000040000000"),
                arguments(VarInt.MAX, "ffffffffffffffff"),
                arguments(37L, "25"),
                arguments(15_293L, "7bbd"),
                arguments(494_878_333L, "9d7f3e7d"),
                arguments(151_288_809_941_952_652L, "c2197c5eff14e88c"));
    }

    @ParameterizedTest
    @MethodSource("boundaries")
    void writesShortestEncoding(long value, String hex) {
        ByteBuf out = Unpooled.buffer();
        VarInt.write(out, value);
        assertEquals(hex, ByteBufUtil.hexDump(out));
        assertEquals(hex.length() / 2, VarInt.size(value));
    }

    @ParameterizedTest
    @MethodSource("boundaries")
    void readsEncodingAndAdvancesPastIt(long value, String hex) {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex + "aa"));
        assertEquals(value, VarInt.read(in));
        assertEquals(1, in.readableBytes());
    }

    @ParameterizedTest
    @MethodSource("boundaries")
    void returnsMinusOneAndKeepsReaderIndexWhenTruncated(long value, String hex) {
        byte[] bytes = ByteBufUtil.decodeHexDump(hex);
        for (int n = 0; n < bytes.length; n++) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, n);
            assertEquals(-1, VarInt.read(in));
            assertEquals(0, in.readerIndex());
        }
    }

    @Test
    void readsNonMinimalEncodings() {
        assertEquals(37, VarInt.read(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("4025"))));
        assertEquals(0, VarInt.read(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("c000000000000000"))));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE, VarInt.MAX + 1, Long.MAX_VALUE})
    void rejectsValuesOutOfRange(long value) {
        assertThrows(IllegalArgumentException.class, () -> VarInt.size(value));
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> VarInt.write(out, value));
        assertEquals(0, out.writerIndex());
    }
}
