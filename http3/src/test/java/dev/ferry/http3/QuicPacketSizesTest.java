package dev.ferry.http3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuicPacketSizesTest {

    @Test
    void aConnectionInsideATunnelTakesWhatOneDatagramHolds() {
        // 1350 outer: a datagram of the tunnel holds about 1300 bytes, so the inner connection sends at most that.
        assertEquals(1302, QuicPacketSizes.insideTunnel(1302, QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD));
    }

    @Test
    void neverBelowQuicsMinimumNorAboveTheOuterLimit() {
        assertEquals(1200, QuicPacketSizes.insideTunnel(1100, 1350));
        assertEquals(1350, QuicPacketSizes.insideTunnel(9000, 1350));
    }

    @Test
    void aTunnelOnCapsulesLeavesTheDefault() {
        assertEquals(QuicPacketSizes.DEFAULT_MAX_UDP_PAYLOAD, QuicPacketSizes.insideTunnel(0, 65527));
        assertEquals(1250, QuicPacketSizes.insideTunnel(0, 1250));
    }
}
