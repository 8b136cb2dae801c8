package dev.ferry.examples.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpperCaseTest {

    @Test
    void upperCasesLettersInPlaceAndLeavesOtherBytes() {
        ByteBuf chunk = Unpooled.copiedBuffer("abc-XYZ-{}\u0000z", StandardCharsets.ISO_8859_1);
        ByteBuf out = UpperCaseFactory.UPPER_CASE.onChunk(chunk);
        assertSame(chunk, out, "in place: no copy");
        assertEquals("ABC-XYZ-{}\u0000Z", out.toString(StandardCharsets.ISO_8859_1));
        out.release();
    }

    @Test
    void appliesOnlyToTheDirectionsAsked() {
        RequestHead request = RequestHead.builder().method("POST").path("/").build();
        ResponseHead response = ResponseHead.builder(200).build();
        ProxyHook requestOnly = new UpperCaseFactory().create(new UpperCaseFactory.Config("request"));
        assertSame(UpperCaseFactory.UPPER_CASE, requestOnly.requestBody(null, request));
        assertNull(requestOnly.responseBody(null, response));
        assertThrows(IllegalArgumentException.class,
                () -> new UpperCaseFactory().create(new UpperCaseFactory.Config("sideways")));
    }
}
