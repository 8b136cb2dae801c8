package dev.ferry.origin.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import dev.ferry.bridge.exchange.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOriginConnectorTest {
    @TempDir
    Path root;

    /** Records what the origin reports, as the driver would receive it. */
    private static final class Recorder implements OriginListener {
        int status;
        HttpHeaders headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int chunks;
        boolean ended;
        boolean sent;

        @Override
        public void onRequestSent() {
            sent = true;
        }

        @Override
        public void onInformational(int status, HttpHeaders headers, String protocolVersion) {
        }

        @Override
        public void onResponseHead(int status, HttpHeaders headers, String protocolVersion) {
            this.status = status;
            this.headers = headers;
        }

        @Override
        public void onResponseBody(ByteBuf data) {
            chunks++;
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            data.release();
            body.writeBytes(bytes);
        }

        @Override
        public void onResponseEnd(HttpHeaders trailers) {
            ended = true;
        }

        @Override
        public void onOriginWritabilityChanged() {
        }

        @Override
        public void onOriginFailure(ProxyException failure) {
            throw new AssertionError(failure);
        }
    }

    private static RequestHead request(String method, String path) {
        return RequestHead.builder().method(method).scheme("https").authority("files.test").path(path).build();
    }

    @Test
    void aLargeFileArrivesWholeInChunksAndPausesWhileTheClientCannotTakeMore() throws IOException {
        byte[] content = new byte[3 * FileOriginExchange.CHUNK * FileOriginExchange.CHUNKS_PER_TURN + 17];
        new Random(5).nextBytes(content);
        Files.write(root.resolve("big.bin"), content);
        EmbeddedChannel loop = new EmbeddedChannel();
        Recorder recorder = new Recorder();
        OriginExchange exchange = FileOriginConnector.create("files", root)
                .open(loop.eventLoop(), request("GET", "/big.bin"), recorder);
        // The client cannot take anything yet: the head goes, no body.
        exchange.setReading(false);
        loop.runPendingTasks();
        assertEquals(200, recorder.status);
        assertEquals(Integer.toString(content.length), recorder.headers.get("content-length"));
        assertEquals(0, recorder.chunks, "nothing while paused");

        exchange.setReading(true);
        loop.runPendingTasks();
        assertEquals((content.length + FileOriginExchange.CHUNK - 1) / FileOriginExchange.CHUNK, recorder.chunks);
        assertTrue(recorder.ended);
        assertArrayEquals(content, recorder.body.toByteArray());
        loop.finishAndReleaseAll();
    }

    @Test
    void headMissingFilesAndOtherMethods() throws IOException {
        Files.writeString(root.resolve("a.txt"), "hello");
        EmbeddedChannel loop = new EmbeddedChannel();
        FileOriginConnector files = FileOriginConnector.create("files", root);

        Recorder head = new Recorder();
        files.open(loop.eventLoop(), request("HEAD", "/a.txt"), head);
        Recorder missing = new Recorder();
        files.open(loop.eventLoop(), request("GET", "/nope.txt"), missing);
        Recorder post = new Recorder();
        files.open(loop.eventLoop(), request("POST", "/a.txt"), post);
        Recorder empty = new Recorder();
        Files.write(root.resolve("empty"), new byte[0]);
        files.open(loop.eventLoop(), request("GET", "/empty"), empty);
        loop.runPendingTasks();

        assertEquals(200, head.status);
        assertEquals("5", head.headers.get("content-length"));
        assertEquals(0, head.body.size());
        assertTrue(head.ended && head.sent);
        assertEquals(404, missing.status);
        assertTrue(missing.ended);
        assertEquals(405, post.status);
        assertEquals("GET, HEAD", post.headers.get("allow"));
        assertEquals(200, empty.status);
        assertEquals("0", empty.headers.get("content-length"));
        assertTrue(empty.ended);
        loop.finishAndReleaseAll();
    }
}
