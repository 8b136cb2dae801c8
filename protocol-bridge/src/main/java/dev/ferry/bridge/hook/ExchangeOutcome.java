package dev.ferry.bridge.hook;

import dev.ferry.bridge.error.ProxyErrorType;
import dev.ferry.bridge.exchange.RequestHead;

/**
 * How an exchange ended, as reported to {@link ProxyHook#onComplete}: what was asked, what was answered, how many
 * body bytes went each way, how long it took, and the error if any.
 *
 * @param request          the client request head, or null when the request never parsed
 * @param status           the status sent to the client, or 0 when none was sent (stream reset before a head)
 * @param requestBodyBytes body bytes received from the client
 * @param responseBodyBytes body bytes sent to the client
 * @param timeToHeadNanos  from the request head to the response head leaving, or -1
 * @param totalNanos       from the request head to the end of the exchange
 * @param error            the error type, or null on success
 * @param errorDetail      a human-readable detail for logs, or null
 */
public record ExchangeOutcome(RequestHead request, int status, long requestBodyBytes, long responseBodyBytes,
                              long timeToHeadNanos, long totalNanos, ProxyErrorType error, String errorDetail) {

    public boolean succeeded() {
        return error == null;
    }
}
