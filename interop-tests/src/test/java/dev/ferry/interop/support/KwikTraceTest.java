package dev.ferry.interop.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two kwik defects recognised in its trace, on lines in the shape kwik 0.10.8 writes them. */
class KwikTraceTest {
    private static final String CREDIT =
            "12:51.590 <- (1204) Packet A|1227|S0|5b1a|41|2  AckFrame[17204-16796|Δ0] MaxStreamDataFrame[0:21394181]";
    private static final String SENT =
            "12:51.593 -> Packet A|17283|S0|297b|1252|1  StreamFrame[0(CIB),20432057,1205]";
    private static final String IDLE = "12:51.597 cancelling loss detection timer (no loss time set, no ack eliciting"
            + " in flight, peer not awaiting address validation (2))";

    private static KwikTrace trace(String... lines) {
        KwikTrace trace = KwikTrace.packets();
        for (String line : lines) {
            trace.log(line);
        }
        return trace;
    }

    @Test
    void aSenderThatStopsWithCreditLeftAndNothingInFlightIsKwiksStall() {
        assertTrue(trace(CREDIT, SENT, IDLE).showsSenderStall(0));
    }

    @Test
    void aSenderWithoutCreditOrWithDataInFlightIsNot() {
        String noCredit = CREDIT.replace("21394181", "20433262");
        assertFalse(trace(noCredit, SENT, IDLE).showsSenderStall(0), "the relay gave no more credit");
        String blocked = "12:51.594 -> Packet A|17284|S0|297b|40|1  StreamDataBlockedFrame[0|20433262]";
        assertFalse(trace(CREDIT, SENT, blocked, IDLE).showsSenderStall(0), "kwik said it was blocked");
        assertFalse(trace(CREDIT, SENT).showsSenderStall(0), "data still in flight");
        assertFalse(trace(CREDIT, SENT, IDLE).showsSenderStall(4), "another stream");
    }

    @Test
    void aServerHelloTakenInBeforeTheHandshakeKeysIsAgent15sRace() {
        assertTrue(trace("-< CryptoStream[I|ServerHello]", ">- CryptoStream[I|ClientHello]",
                "Discarding packet (1013 bytes) that cannot be decrypted (Missing keys for encryption level Handshake"
                        + " (keys not installed))").showsServerHelloRace());
        assertFalse(trace("-< CryptoStream[I|ServerHello]", "-< CryptoStream[H|EncryptedExtensions]",
                "Missing keys for encryption level Handshake").showsServerHelloRace());
    }
}
