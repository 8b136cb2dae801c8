package dev.ferry.http3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamWriteCoalescerTest {

    // Writes go through the pipeline, not EmbeddedChannel.write, which would run the loop's tasks (end the turn) at once.

    /** Stands where the QUIC stream's head would be: every write it sees would be one stream write to quiche. */
    private static final class StreamWrites extends ChannelOutboundHandlerAdapter {
        final List<Object> writes = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.add(msg);
            promise.setSuccess();
        }
    }

    private final StreamWrites stream = new StreamWrites();
    private final StreamWriteCoalescer coalescer = new StreamWriteCoalescer();
    private final EmbeddedChannel channel = new EmbeddedChannel(stream, coalescer);

    @AfterEach
    void release() {
        stream.writes.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void headDataAndFinOfOneTurnLeaveAsOneStreamWriteAndEveryPromiseCompletes() {
        ChannelFuture head = channel.pipeline().write(bytes("HEADERS|"));
        ChannelFuture data = channel.pipeline().write(bytes("DATA|"));
        assertEquals(List.of(), stream.writes, "held while the turn goes on");
        ChannelPromise fin = channel.newPromise();
        coalescer.writeFin(new DefaultQuicStreamFrame(bytes("END"), true), fin);

        assertEquals(1, stream.writes.size(), "one stream write in all");
        QuicStreamFrame joined = (QuicStreamFrame) stream.writes.get(0);
        assertTrue(joined.hasFin(), "the FIN rides on the joined write");
        assertEquals("HEADERS|DATA|END", text(joined.content()));
        assertTrue(head.isSuccess() && data.isSuccess() && fin.isSuccess());
    }

    @Test
    void writesWithoutFinAreJoinedAtTheEndOfTheTurn() {
        channel.pipeline().write(bytes("a"));
        channel.pipeline().write(bytes("b"));
        assertEquals(List.of(), stream.writes);
        channel.runPendingTasks();
        assertEquals(1, stream.writes.size());
        assertEquals("ab", text((ByteBuf) stream.writes.get(0)));
    }

    @Test
    void aLargeWriteGoesAtOnceAndUncopied() {
        ByteBuf big = Unpooled.directBuffer().writeZero(StreamWriteCoalescer.MAX_HELD_BYTES);
        channel.pipeline().write(big);
        assertEquals(1, stream.writes.size(), "not held: the batch is full");
        assertSame(big, stream.writes.get(0), "a lone write passes through as it is");
    }

    @Test
    void aCloseWritesWhatIsHeldFirst() {
        ChannelFuture write = channel.pipeline().write(bytes("last words"));
        channel.pipeline().close();
        assertTrue(write.isSuccess(), "written before the close, not dropped");
        assertEquals("last words", text((ByteBuf) stream.writes.get(0)));
    }
}
