package dev.ferry.tools.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

class ResumptionProbeTest {

    @Test
    void anEngineWhoseCertificateWasNeverCheckedResumedItsSession() throws Exception {
        ResumptionProbe probe = new ResumptionProbe();
        SSLEngine full = SSLContext.getDefault().createSSLEngine();
        SSLEngine resumed = SSLContext.getDefault().createSSLEngine();
        probe.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA", full);
        assertFalse(probe.resumed(full));
        assertTrue(probe.resumed(resumed));
    }
}
