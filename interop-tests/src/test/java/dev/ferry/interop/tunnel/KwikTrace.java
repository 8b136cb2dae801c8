package dev.ferry.interop.tunnel;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import tech.kwik.core.log.BaseLogger;

/**
 * kwik's log for one test connection: errors and warnings always go to stderr, and during the handshake every
 * packet and debug line is also kept in memory, so that a handshake that fails can be explained afterwards (which
 * packets kwik received, which it could not decrypt, what its TLS engine did) without slowing the data phase.
 */
final class KwikTrace extends BaseLogger {
    private static final int KEEP = 2_000;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private volatile boolean tracing = true;

    KwikTrace() {
        logWarning(true);
        logDebug(true);
        logPackets(true);
        logInfo(true);
        logRecovery(true);
    }

    /** Ends the handshake trace: from now on only errors and warnings are written. */
    void stopTracing() {
        tracing = false;
        logDebug(false);
        logPackets(false);
        logInfo(false);
        logRecovery(false);
        synchronized (lines) {
            lines.clear();
        }
    }

    /** The handshake lines kept so far, oldest first. */
    List<String> handshakeLines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    protected void log(String message) {
        if (message.contains("Error:") || message.contains("cannot be decrypted") || !tracing) {
            System.err.println("kwik: " + message);
        }
        if (tracing) {
            synchronized (lines) {
                if (lines.size() >= KEEP) {
                    lines.removeFirst();
                }
                lines.addLast(message);
            }
        }
    }

    @Override
    protected void log(String message, Throwable ex) {
        StringWriter trace = new StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        log(message + "\n" + trace);
    }

    @Override
    protected void logWithHexDump(String message, byte[] data, int length) {
        log(message);
    }

    @Override
    protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        log(message);
    }
}
