package dev.ferry.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class Http2StreamSlotsTest {

    /** A client connection whose codec, before any SETTINGS from the origin, allows 100 streams. */
    private static EmbeddedChannel connection() {
        return new EmbeddedChannel(Http2FrameCodecBuilder.forClient().encoderEnforceMaxConcurrentStreams(true).build());
    }

    @Test
    void streamsBeyondTheOriginsLimitWaitAndGoInTheirOrder() {
        EmbeddedChannel parent = connection();
        Http2StreamSlots slots = Http2StreamSlots.of(parent);
        List<Integer> opened = new ArrayList<>();
        IntStream.range(0, 150).forEach(i -> slots.acquire(() -> opened.add(i)));
        assertEquals(100, opened.size(), "the codec's limit before the origin's SETTINGS");

        slots.release();
        slots.release();
        assertEquals(102, opened.size());
        assertEquals(List.of(100, 101), opened.subList(100, 102), "waiting streams go first come, first served");

        // A new stream queues behind the waiting ones even when a slot is free for a moment.
        slots.acquire(() -> opened.add(999));
        assertEquals(102, opened.size());
    }

    @Test
    void aClosedConnectionLetsEveryWaitingStreamTryAtOnce() {
        EmbeddedChannel parent = connection();
        Http2StreamSlots slots = Http2StreamSlots.of(parent);
        List<Integer> opened = new ArrayList<>();
        IntStream.range(0, 130).forEach(i -> slots.acquire(() -> opened.add(i)));
        parent.close();
        parent.runPendingTasks();
        assertEquals(130, opened.size());
    }
}
