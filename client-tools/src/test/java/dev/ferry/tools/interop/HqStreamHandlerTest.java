package dev.ferry.tools.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HqStreamHandlerTest {

    @Test
    void theRequestIsAnHttp09GetLine() {
        assertEquals("GET /file.bin\r\n", HqStreamHandler.requestLine("/file.bin"));
    }

    @Test
    void aDownloadNeedsAnAbsolutePath() {
        assertThrows(IllegalArgumentException.class, () -> new Download("file.bin", Path.of("file.bin")));
    }

    @Test
    void windowsStartSmallerThanTheRunnersFilesSoThatTheyMustGrow() {
        FileClientSettings s = FileClientSettings.defaults();
        assertEquals(1 << 20, s.initialMaxData());
        assertEquals(256 << 10, s.initialMaxStreamData());
    }
}
