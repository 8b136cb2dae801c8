package dev.ferry.bridge.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/** The origin's side of one exchange, as the driver drives it. Called only on the exchange's event loop. */
public interface OriginExchange {

    /** Request body bytes for the origin; takes ownership. */
    void writeBody(ByteBuf data);

    /** Ends the request, with trailers when not null (dropped where the origin protocol cannot carry them). */
    void writeEnd(HttpHeaders trailers);

    /** False while connecting or while the origin cannot take more bytes. */
    boolean isWritable();

    /** Starts or stops reading the response body: backpressure from the client. */
    void setReading(boolean reading);

    /** Abandons the exchange: the connection is not reused mid-message. */
    void abort();
}
