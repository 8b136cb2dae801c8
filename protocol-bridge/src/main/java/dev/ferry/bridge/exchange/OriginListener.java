package dev.ferry.bridge.exchange;

import dev.ferry.bridge.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/** What an origin exchange reports to the driver, always on the exchange's event loop. */
public interface OriginListener {

    /** The request head was handed to an open connection: the response timeout starts now. */
    void onRequestSent();

    /**
     * An interim response head (1xx other than 101), headers as the origin sent them; any number may come before
     * {@link #onResponseHead}.
     */
    void onInformational(int status, HttpHeaders headers, String protocolVersion);

    /**
     * A final (non-1xx) response head, headers as the origin sent them.
     *
     * @param protocolVersion "1.1", "2" or "3", as written in Via
     */
    void onResponseHead(int status, HttpHeaders headers, String protocolVersion);

    /** Response body bytes; the listener takes ownership. */
    void onResponseBody(ByteBuf data);

    /** The response ended, with trailers or null. */
    void onResponseEnd(HttpHeaders trailers);

    /** {@link OriginExchange#isWritable()} changed. */
    void onOriginWritabilityChanged();

    /** The exchange failed; no further calls follow. */
    void onOriginFailure(ProxyException failure);
}
