package dev.ferry.origin;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.Map;

import dev.ferry.bridge.transport.TurnFlush;
import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.exchange.OriginExchange;
import dev.ferry.bridge.exchange.OriginListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * What an exchange on an HTTP/1.1 connection and one on an HTTP/2 stream share: request body held until the
 * channel is attached, reading on demand, and one way to fail. Subclasses frame the messages.
 */
abstract class OriginStreamExchange extends ChannelInboundHandlerAdapter implements OriginExchange {
    protected final String originName;
    protected final OriginListener listener;
    protected final PendingRequestBody pending = new PendingRequestBody();
    /** The connection (HTTP/1.1) or stream (HTTP/2) once attached. */
    protected Channel channel;
    protected boolean requestComplete;
    protected boolean responseStarted;
    /** Set once the response ended or the exchange failed or was aborted: nothing more is reported. */
    protected boolean done;
    protected boolean reading = true;
    /** Flushes body writes once per loop turn, on whichever channel the exchange holds then (a retry moves it). */
    private TurnFlush bodyFlush;

    OriginStreamExchange(String originName, OriginListener listener) {
        this.originName = originName;
        this.listener = listener;
    }

    /**
     * Flushes the attached channel at the end of this loop turn. Body pieces arrive one QUIC packet's worth at a
     * time; written without a flush each and flushed here, those of one turn leave in one write.
     */
    protected void flushAtEndOfTurn() {
        if (bodyFlush == null) {
            bodyFlush = new TurnFlush(() -> {
                // Null once the exchange let go of its channel; its last write flushed everything then.
                Channel current = channel;
                if (current != null) {
                    current.flush();
                }
            }, channel.eventLoop());
        }
        bodyFlush.request();
    }

    /**
     * Reports a response head of HTTP/2 or HTTP/3 (whose status travels as {@code :status}): an interim one is
     * forwarded (RFC 9110 15.2), a final one starts the response, and a bad status or a 101 (which neither version
     * has: RFC 9113 8.6, RFC 9114 4.6) fails the exchange.
     *
     * @return true when it was the final head
     */
    protected final boolean reportHead(CharSequence statusText, HttpHeaders fields, String version) {
        int status;
        try {
            status = Integer.parseInt(String.valueOf(statusText));
        } catch (NumberFormatException e) {
            failExchange(OriginFailures.protocolError(originName, "bad :status " + statusText));
            return false;
        }
        if (status == 101) {
            failExchange(OriginFailures.protocolError(originName, "101 on HTTP/" + version));
            return false;
        }
        if (status < 200) {
            listener.onInformational(status, fields, version);
            return false;
        }
        responseStarted = true;
        listener.onResponseHead(status, fields, version);
        return true;
    }

    /** The regular fields of an HTTP/2 or HTTP/3 field section, pseudo-header fields left out. */
    protected static HttpHeaders regularFields(Iterable<Map.Entry<CharSequence, CharSequence>> section) {
        HttpHeaders out = new DefaultHttpHeaders(false);
        for (Map.Entry<CharSequence, CharSequence> field : section) {
            CharSequence name = field.getKey();
            if (name.length() > 0 && name.charAt(0) != ':') {
                out.add(name, field.getValue());
            }
        }
        return out;
    }

    /** True when what the client sent before the channel was attached is a whole request of a head alone. */
    protected final boolean pendingIsHeadOnly() {
        return pending.ended() && !pending.hasBody() && (pending.trailers() == null || pending.trailers().isEmpty());
    }

    /** Sends what was held before the channel was attached: the body pieces, then the end if it came. */
    protected final void sendPending() {
        ByteBuf chunk;
        while ((chunk = pending.poll()) != null) {
            sendBody(chunk);
        }
        if (pending.ended()) {
            sendEnd(pending.trailers());
        }
    }

    /** Sends body bytes on the attached channel. */
    protected abstract void sendBody(ByteBuf data);

    /** Ends the request on the attached channel, with trailers when the framing allows. */
    protected abstract void sendEnd(HttpHeaders trailers);

    /** True once the exchange ended or was aborted: a connection that arrives now is not used. */
    /** The picker and endpoint this exchange counts as in flight on, for least-request; null when none. */
    private EndpointPicker countedBy;
    private int countedEndpoint;

    /** Counts this exchange in flight on {@code endpoint} from now on, and no longer on the one it had before. */
    final void countOn(EndpointPicker picker, int endpoint) {
        uncount();
        if (!done && endpoint >= 0) {
            countedBy = picker;
            countedEndpoint = endpoint;
            picker.started(endpoint);
        }
    }

    private void uncount() {
        if (countedBy != null) {
            countedBy.finished(countedEndpoint);
            countedBy = null;
        }
    }

    /** The exchange is over, whichever way: it no longer counts as in flight. */
    protected final void markDone() {
        done = true;
        uncount();
    }

    boolean isDone() {
        return done;
    }

    /** The connection could not be had: report it as a connect failure (the origin never saw the request). */
    void fail(Throwable connectFailure) {
        if (!done) {
            markDone();
            pending.release();
            listener.onOriginFailure(OriginFailures.connectFailed(originName, connectFailure));
        }
    }

    @Override
    public void writeBody(ByteBuf data) {
        if (done || requestComplete) {
            data.release();
        } else if (channel == null) {
            pending.add(data);
        } else {
            sendBody(data);
        }
    }

    @Override
    public void writeEnd(HttpHeaders trailers) {
        if (done || requestComplete) {
            return;
        }
        if (channel == null) {
            pending.end(trailers);
        } else {
            sendEnd(trailers);
        }
    }

    @Override
    public boolean isWritable() {
        return channel != null && !done && channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        this.reading = reading;
        if (channel != null && !done) {
            channel.config().setAutoRead(reading);
        }
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        markDone();
        pending.release();
        if (channel != null) {
            // Mid-message: an HTTP/1.1 connection cannot be reused; an HTTP/2 stream is reset (CANCEL).
            channel.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!done) {
            listener.onOriginWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            failExchange(OriginFailures.closedEarly(originName, responseStarted));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            failExchange(OriginFailures.exchangeFailed(originName, cause, responseStarted));
        }
    }

    protected void failExchange(ProxyException failure) {
        markDone();
        pending.release();
        if (channel != null) {
            channel.close();
        }
        listener.onOriginFailure(failure);
    }
}
