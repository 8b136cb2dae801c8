package dev.ferry.interop.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Small end-to-end checks on an open tunnel, done with capsules (reliable) so that one round trip proves it. */
final class TunnelChecks {
    private TunnelChecks() {
    }

    /**
     * Sends {@code payload} in a DATAGRAM capsule on a CONNECT-UDP tunnel and returns the payload of the first
     * DATAGRAM capsule that comes back (an echo target sends it back).
     */
    static byte[] udpRoundTrip(KwikTunnelClient.Tunnel tunnel, byte[] payload) throws IOException {
        OutputStream out = tunnel.stream().getOutputStream();
        ByteArrayOutputStream capsule = new ByteArrayOutputStream();
        byte[] value = UdpTraffic.contextPayload(0, payload);
        UdpTraffic.writeVarint(capsule, 0);
        UdpTraffic.writeVarint(capsule, value.length);
        capsule.writeBytes(value);
        out.write(capsule.toByteArray());
        out.flush();
        InputStream in = tunnel.stream().getInputStream();
        while (true) {
            long type = UdpTraffic.readVarint(in);
            long length = type < 0 ? -1 : UdpTraffic.readVarint(in);
            if (length < 0) {
                throw new IOException("the tunnel's stream ended before an answer");
            }
            // Not readNBytes(int): it ends with a read of length 0, which flupke's DATA frame reader answers only
            // when the next frame arrives (it should return 0 at once), so the last capsule would wait for a later one.
            byte[] got = new byte[(int) length];
            if (in.readNBytes(got, 0, got.length) < length) {
                throw new IOException("stream ended inside a capsule");
            }
            if (type == 0) {
                ByteBuffer b = ByteBuffer.wrap(got);
                if (UdpTraffic.readVarint(b) == 0) {
                    return Arrays.copyOfRange(got, b.position(), got.length);
                }
            }
        }
    }
}
