package dev.ferry.tcpingress;

import dev.ferry.bridge.error.ProxyException;
import dev.ferry.bridge.headers.FieldSyntax;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The strict reading of HTTP/1.1 request syntax (RFC 9112) that keeps a TCP client from smuggling a second
 * request past the relay: every line ends in CRLF (no bare LF, no bare CR, RFC 9112 2.2), no line folding
 * (obs-fold, 5.2), no whitespace between a field name and its colon (5.1), field names are tokens and values hold
 * no control characters (RFC 9110 5.5), and chunk sizes are hexadecimal digits with well-formed extensions (7.1).
 * Anything else is refused with 400 rather than repaired, since another parser along the way may repair it
 * differently.
 *
 * <p>Stateless: each method reads from a buffer's reader index and moves it only past what it consumed.
 */
final class Http1RequestParser {
    /** A request line and its fields in wire order, names as sent. */
    record Head(String method, String target, String version, List<Map.Entry<String, String>> fields) {
    }

    /** Hex digits a chunk size may have: 2^60 bytes is more than any body. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;
    /** A chunk-size line, extensions included, longer than this is refused. */
    private static final int MAX_CHUNK_LINE = 4096;

    private Http1RequestParser() {
    }

    /**
     * Reads a complete request head (request line, fields, empty line), or returns null and consumes nothing when
     * the buffer does not hold all of it yet. Empty lines before the request line are skipped (RFC 9112 2.2).
     *
     * @param maxSize the largest head accepted, in bytes; a larger one (even incomplete) gets 431
     * @throws ProxyException 400, 431 or 505
     */
    static Head readHead(ByteBuf in, long maxSize) {
        while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
        }
        int end = endOfSection(in, in.readerIndex(), maxSize);
        if (end < 0) {
            return null;
        }
        String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + 4);
        String[] lines = text.split("\r\n", -1);
        Head head = requestLine(lines[0]);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            fields.add(fieldLine(lines[i]));
        }
        return new Head(head.method(), head.target(), head.version(), fields);
    }

    /**
     * Reads the trailer section after the last chunk: field lines up to the empty line. Null when incomplete.
     *
     * @throws ProxyException 400 or 431
     */
    static List<Map.Entry<String, String>> readTrailers(ByteBuf in, long maxSize) {
        if (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
            return List.of();
        }
        int end = endOfSection(in, in.readerIndex(), maxSize);
        if (end < 0) {
            return null;
        }
        String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + 4);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line : text.split("\r\n", -1)) {
            fields.add(fieldLine(line));
        }
        return fields;
    }

    /**
     * Reads one chunk-size line (RFC 9112 7.1): the size, or -1 with nothing consumed when the line is not
     * complete yet.
     *
     * @throws ProxyException 400 for anything but {@code 1*HEXDIG *( BWS ";" BWS token [ BWS "=" BWS
     *                        ( token / quoted-string ) ] ) CRLF}
     */
    static long readChunkSize(ByteBuf in) {
        int start = in.readerIndex();
        int limit = Math.min(in.writerIndex(), start + MAX_CHUNK_LINE);
        int lf = -1;
        for (int i = start; i < limit; i++) {
            byte b = in.getByte(i);
            if (b == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (in.writerIndex() - start >= MAX_CHUNK_LINE) {
                throw bad("chunk-size line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return -1;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            throw bad("chunk-size line not ended by CRLF");
        }
        String line = in.toString(start, lf - 1 - start, StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        int i = 0;
        long size = 0;
        while (i < line.length() && hexValue(line.charAt(i)) >= 0) {
            if (i == MAX_CHUNK_SIZE_DIGITS) {
                throw bad("chunk size with more than " + MAX_CHUNK_SIZE_DIGITS + " digits");
            }
            size = size * 16 + hexValue(line.charAt(i));
            i++;
        }
        if (i == 0) {
            throw bad("chunk size is not hexadecimal: " + FieldSyntax.printable(line));
        }
        checkChunkExtensions(line, i);
        return size;
    }

    /** Consumes the CRLF after a chunk's data: false when it has not arrived yet. */
    static boolean readChunkEnd(ByteBuf in) {
        if (in.readableBytes() < 2) {
            if (in.readableBytes() == 1 && in.getByte(in.readerIndex()) != '\r') {
                throw bad("chunk data not followed by CRLF");
            }
            return false;
        }
        if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
            throw bad("chunk data not followed by CRLF");
        }
        in.skipBytes(2);
        return true;
    }

    // ---- pieces -------------------------------------------------------------------------------------------------

    /**
     * Where the section starting at {@code from} ends (the index of its CRLFCRLF), or -1 when it has not ended
     * yet. Refuses a bare LF or CR on the way, and a section larger than {@code maxSize}.
     */
    private static int endOfSection(ByteBuf in, int from, long maxSize) {
        int end = in.writerIndex();
        for (int i = from; i < end; i++) {
            if (i - from >= maxSize) {
                throw ProxyException.badRequest(431, "request head or trailers larger than " + maxSize + " bytes");
            }
            byte b = in.getByte(i);
            if (b == '\n') {
                if (i == from || in.getByte(i - 1) != '\r') {
                    throw bad("bare LF in the request head");
                }
                // CRLF CRLF: this LF ends an empty line.
                if (i - 3 >= from && in.getByte(i - 2) == '\n' && in.getByte(i - 3) == '\r') {
                    return i - 3;
                }
            } else if (b == '\r' && i + 1 < end && in.getByte(i + 1) != '\n') {
                throw bad("bare CR in the request head");
            }
        }
        return -1;
    }

    private static Head requestLine(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw bad("request line is not \"method SP target SP version\": " + FieldSyntax.printable(line));
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!FieldSyntax.isToken(method)) {
            throw bad("invalid method " + FieldSyntax.printable(method));
        }
        if (target.isEmpty()) {
            throw bad("empty request target");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw bad("invalid character in the request target " + FieldSyntax.printable(target));
            }
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/[0-9]\\.[0-9]")) {
                throw ProxyException.badRequest(505, "HTTP version " + version + " is not supported");
            }
            throw bad("invalid HTTP version " + FieldSyntax.printable(version));
        }
        return new Head(method, target, version, List.of());
    }

    private static Map.Entry<String, String> fieldLine(String line) {
        if (line.isEmpty()) {
            throw bad("empty field line");
        }
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            // RFC 9112 5.2: obs-fold; refused rather than unfolded.
            throw bad("obsolete line folding in field " + FieldSyntax.printable(line));
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw bad("field line without a name and colon: " + FieldSyntax.printable(line));
        }
        String name = line.substring(0, colon);
        if (!FieldSyntax.isToken(name)) {
            // Covers RFC 9112 5.1: whitespace between the name and the colon.
            throw bad("invalid field name " + FieldSyntax.printable(name));
        }
        String value = FieldSyntax.trimOws(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw bad("control character in field " + FieldSyntax.printable(name));
            }
        }
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    /** {@code *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )} from {@code i} to the end of {@code line}. */
    private static void checkChunkExtensions(String line, int i) {
        int n = line.length();
        while (true) {
            i = skipBws(line, i);
            if (i == n) {
                return;
            }
            if (line.charAt(i) != ';') {
                throw bad("invalid chunk-size line " + FieldSyntax.printable(line));
            }
            i = skipBws(line, i + 1);
            int nameStart = i;
            while (i < n && FieldSyntax.isTchar(line.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw bad("chunk extension without a name in " + FieldSyntax.printable(line));
            }
            int afterName = skipBws(line, i);
            if (afterName < n && line.charAt(afterName) == '=') {
                i = skipBws(line, afterName + 1);
                if (i < n && line.charAt(i) == '"') {
                    i = endOfQuotedString(line, i);
                } else {
                    int valueStart = i;
                    while (i < n && FieldSyntax.isTchar(line.charAt(i))) {
                        i++;
                    }
                    if (i == valueStart) {
                        throw bad("chunk extension without a value in " + FieldSyntax.printable(line));
                    }
                }
            }
        }
    }

    private static int endOfQuotedString(String line, int open) {
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                break;
            }
        }
        throw bad("unterminated quoted string in chunk extension " + FieldSyntax.printable(line));
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int skipBws(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static ProxyException bad(String detail) {
        return ProxyException.badRequest(detail);
    }
}
