package dev.ferry.testorigin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The log of requests behind {@link BuiltinOrigin#requests()}.
 *
 * <p>An entry is created when a request head arrives and its body counters are updated as the body streams, so a
 * test can see a request that is still uploading or that never finishes ({@code /hang}). Only the entry's own event
 * loop writes its counters; readers on other threads see them through volatile fields. The log keeps the newest
 * {@code limit} entries so that a long-running {@code ferry serve} does not grow without bound.
 */
final class OriginRecorder {

    /** One request as it is being received; mutable, written only on its channel's event loop. */
    static final class Entry {
        private final String method;
        private final String target;
        private final String protocol;
        private final List<RecordedRequest.Header> headers;
        private volatile long bodyBytes;
        private volatile boolean bodyComplete;

        private Entry(String method, String target, String protocol, List<RecordedRequest.Header> headers) {
            this.method = method;
            this.target = target;
            this.protocol = protocol;
            this.headers = List.copyOf(headers);
        }

        List<RecordedRequest.Header> headers() {
            return headers;
        }

        void addBodyBytes(long n) {
            bodyBytes += n; // single writer: the channel's event loop
        }

        long bodyBytes() {
            return bodyBytes;
        }

        void complete() {
            bodyComplete = true;
        }

        RecordedRequest snapshot() {
            return new RecordedRequest(method, target, protocol, headers, bodyBytes, bodyComplete);
        }
    }

    private final int limit;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private int count;

    OriginRecorder(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        this.limit = limit;
    }

    Entry record(String method, String target, String protocol, List<RecordedRequest.Header> headers) {
        Entry entry = new Entry(method, target, protocol, headers);
        synchronized (this) {
            count++;
            if (limit > 0) {
                if (entries.size() == limit) {
                    entries.removeFirst();
                }
                entries.addLast(entry);
            }
            notifyAll();
        }
        return entry;
    }

    synchronized List<RecordedRequest> snapshot() {
        List<RecordedRequest> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.snapshot());
        }
        return List.copyOf(out);
    }

    synchronized int count() {
        return count;
    }

    synchronized void clear() {
        entries.clear();
        count = 0;
    }

    synchronized boolean awaitCount(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            long millis = Math.max(1, left / 1_000_000);
            wait(millis);
        }
        return true;
    }
}
