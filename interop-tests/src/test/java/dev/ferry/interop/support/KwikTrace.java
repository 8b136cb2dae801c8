package dev.ferry.interop.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import tech.kwik.core.log.BaseLogger;

/**
 * kwik's log for one test connection: errors and warnings always go to stderr, and while tracing the latest lines
 * are also kept in memory (the last {@value #KEEP}), so that a connection that fails can be explained afterwards:
 * which packets kwik sent and received, which it could not decrypt, what its TLS engine and its loss recovery did.
 * {@link #handshake()} traces everything until {@link #stopTracing()}; {@link #packets()} traces packets and loss
 * recovery for the whole connection, without kwik's debug lines.
 */
public final class KwikTrace extends BaseLogger {
    private static final int KEEP = 3_000;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private volatile boolean tracing = true;

    private KwikTrace(boolean debug) {
        logWarning(true);
        logDebug(debug);
        logPackets(true);
        logInfo(debug);
        logRecovery(true);
    }

    /** Everything kwik logs, meant for the handshake only (see {@link #stopTracing()}). */
    public static KwikTrace handshake() {
        return new KwikTrace(true);
    }

    /** Packets sent and received and loss recovery, for a whole connection. */
    public static KwikTrace packets() {
        return new KwikTrace(false);
    }

    /** Ends the trace: from now on only errors and warnings are written. */
    public void stopTracing() {
        tracing = false;
        logDebug(false);
        logPackets(false);
        logInfo(false);
        logRecovery(false);
        synchronized (lines) {
            lines.clear();
        }
    }

    /**
     * Whether the trace shows agent15 3.1's ServerHello race (kwik's TLS engine): the relay's ServerHello was taken
     * in (before kwik had finished sending its ClientHello), yet no Handshake packet could be decrypted after it,
     * because the engine dropped the ServerHello and never derived the handshake keys. The relay did its part;
     * a connect that times out with this trace may be tried once more.
     */
    public boolean showsServerHelloRace() {
        boolean serverHello = false;
        boolean undecryptable = false;
        for (String line : lines()) {
            serverHello |= line.contains("CryptoStream[I|ServerHello]");
            undecryptable |= serverHello && line.contains("Missing keys for encryption level Handshake");
            if (line.contains("CryptoStream[H|")) {
                return false;
            }
        }
        return serverHello && undecryptable;
    }

    /**
     * Whether the trace shows kwik 0.10.8's own sender stall on stream {@code streamId}: everything kwik sent was
     * acknowledged, it still had flow-control credit from the peer (the last MAX_STREAM_DATA is above the last
     * byte it sent), it never reported itself blocked, and then it sent nothing more. That is the race in
     * {@code StreamOutputStreamImpl.scheduleSendStreamFrameRequest} (it reads the queued-request counter, queues a
     * request, then increments the counter; a send that runs in between and finds more data sees the counter at -1
     * and does not reschedule, so the data waits for a writer that is itself waiting for buffer space). The peer
     * cannot cause it: it granted the credit and acknowledged every packet.
     */
    public boolean showsSenderStall(long streamId) {
        java.util.regex.Pattern sent = java.util.regex.Pattern.compile(
                "-> Packet .*StreamFrame\\[" + streamId + "\\([^)]*\\),(\\d+),(\\d+)\\]");
        java.util.regex.Pattern credit = java.util.regex.Pattern.compile(
                "MaxStreamDataFrame\\[" + streamId + ":(\\d+)\\]");
        long sentEnd = -1;
        long limit = -1;
        boolean blocked = false;
        String last = "";
        for (String line : lines()) {
            java.util.regex.Matcher m = sent.matcher(line);
            if (m.find()) {
                sentEnd = Math.max(sentEnd, Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)));
            }
            m = credit.matcher(line);
            if (m.find()) {
                limit = Math.max(limit, Long.parseLong(m.group(1)));
                blocked = false;
            }
            // kwik sends STREAM_DATA_BLOCKED or DATA_BLOCKED when flow control stops it; new credit lifts that.
            blocked |= line.contains("DataBlockedFrame");
            last = line;
        }
        return sentEnd > 0 && limit > sentEnd && !blocked && last.contains("no ack eliciting in flight");
    }

    /** The lines kept so far, oldest first. */
    public List<String> lines() {
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
