package dev.ferry.http3.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http3.Http3Headers;
import org.junit.jupiter.api.Test;

class TunnelOptionsTest {

    @Test
    void aGeohashGoesOutAsAnSfStringBesideTheToken() {
        Http3Headers head = TunnelStream.connectHead(TunnelOptions.defaults().withToken("t0k").withGeohash("u33dc0"));
        assertEquals("\"u33dc0\"", head.get("sec-ch-geohash").toString());
        assertEquals("Bearer t0k", head.get("proxy-authorization").toString());
    }

    @Test
    void noGeohashNoField() {
        assertFalse(TunnelStream.connectHead(TunnelOptions.defaults()).contains("sec-ch-geohash"));
    }

    @Test
    void aMalformedGeohashIsRefusedWithWhatIsExpected() {
        for (String bad : new String[] {"", "u33a", "u33dc0u33dc0u", "U33", "u3 3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TunnelOptions.defaults().withGeohash(bad), bad);
            assertTrue(e.getMessage().contains("1 to 12 characters"), e.getMessage());
        }
    }
}
