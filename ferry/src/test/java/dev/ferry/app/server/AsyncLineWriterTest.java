package dev.ferry.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AsyncLineWriterTest {

    @Test
    void everyLineFromManyThreadsIsWrittenOnceInEachThreadsOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        int threads = 4;
        int perThread = 20_000;
        AsyncLineWriter writer = new AsyncLineWriter(out, false, threads * perThread, "test-writer");
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    writer.accept(id + " " + i);
                }
            });
            producers.add(producer);
            producer.start();
        }
        for (Thread producer : producers) {
            producer.join();
        }
        writer.close();

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(threads * perThread, lines.length);
        Map<String, Integer> next = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            int expected = next.getOrDefault(parts[0], 0);
            assertEquals(expected, Integer.parseInt(parts[1]), "line order of thread " + parts[0]);
            next.put(parts[0], expected + 1);
        }
        assertEquals(0, writer.dropped());
    }

    @Test
    void aWriterStuckOnItsStreamDropsWhatExceedsTheQueueAndNeverBlocksTheCaller() throws Exception {
        CountDownLatch firstWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                firstWrite.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                bytes.write(b, off, len);
            }
        };
        AsyncLineWriter writer = new AsyncLineWriter(new PrintStream(stuck, false, StandardCharsets.UTF_8), true,
                10, "test-writer");
        writer.accept("first");
        firstWrite.await();
        // The writer holds "first" and waits on the stream: ten more lines fit the queue, the rest are dropped.
        for (int i = 0; i < 25; i++) {
            writer.accept("line " + i);
        }
        assertEquals(15, writer.dropped());
        release.countDown();
        writer.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length);
        assertEquals("first", lines[0]);
        assertEquals("line 9", lines[10]);
        writer.accept("after close");
        assertEquals(16, writer.dropped());
        assertTrue(!bytes.toString(StandardCharsets.UTF_8).contains("after close"));
    }
}
