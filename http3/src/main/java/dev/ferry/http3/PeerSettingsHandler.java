package dev.ferry.http3;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicChannel;

import java.nio.charset.StandardCharsets;

/**
 * Reads a client's SETTINGS from its control stream, for a server (a client's check of its server's SETTINGS is
 * {@link Http3DatagramRouter#settingsReader}). A client that announces SETTINGS_H3_DATAGRAM without
 * having negotiated QUIC datagrams (no {@code max_datagram_frame_size} transport parameter) commits a connection
 * error of type H3_SETTINGS_ERROR (RFC 9297 section 2.1.1); otherwise the datagram router learns whether the
 * client takes HTTP Datagrams.
 */
public final class PeerSettingsHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http3SettingsFrame settings) {
            Long h3Datagram = settings.settings().get(Http3Codes.SETTINGS_H3_DATAGRAM);
            QuicChannel connection = (QuicChannel) ctx.channel().parent();
            if (h3Datagram != null && h3Datagram != 0 && h3Datagram != 1) {
                closeWithSettingsError(connection, "SETTINGS_H3_DATAGRAM must be 0 or 1");
            } else if (h3Datagram != null && h3Datagram == 1 && Http3DatagramRouter.of(connection) != null) {
                // Only checked when this listener offers datagrams: without our own max_datagram_frame_size the
                // peer's limit is never reported, and the setting is then simply unused.
                // Netty 4.2.18 reports maxDatagramFrameSize() as 0 even when the peer sent the parameter; the
                // QuicDatagramExtensionEvent (recorded by the router, fired at handshake) carries the real limit.
                Http3DatagramRouter router = Http3DatagramRouter.of(connection);
                long peerMax = connection.peerTransportParameters() == null ? 0
                        : connection.peerTransportParameters().maxDatagramFrameSize();
                if (router != null) {
                    peerMax = Math.max(peerMax, router.maxDatagramLength());
                }
                if (peerMax <= 0) {
                    closeWithSettingsError(connection,
                            "SETTINGS_H3_DATAGRAM without the max_datagram_frame_size transport parameter");
                } else if (router != null) {
                    router.peerSettings(true);
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static void closeWithSettingsError(QuicChannel connection, String reason) {
        connection.close(true, (int) Http3ErrorCode.H3_SETTINGS_ERROR.code(),
                Unpooled.copiedBuffer(reason, StandardCharsets.US_ASCII));
    }
}
