/**
 * Header rules for each hop of an exchange: what makes an HTTP/3 request malformed (RFC 9114 sections 4.1-4.3),
 * which fields belong to one connection only (RFC 9110 section 7.6.1), how :authority, Host and Cookie map between
 * HTTP/1.1, HTTP/2 and HTTP/3 (RFC 9113 sections 8.2-8.3, RFC 9114 section 4.2), and what a proxy adds on the way
 * (Via, RFC 9110 section 7.6.3; Forwarded, RFC 7239). Everything here is a final class with static methods or an
 * immutable policy, free of I/O, so the ingress, the origin clients and hooks share one reading of the RFCs.
 *
 * <p>Starting points: {@link dev.ferry.bridge.headers.FieldSectionParser} (client request in),
 * {@link dev.ferry.bridge.headers.OriginRequestTranslator} (origin request out),
 * {@link dev.ferry.bridge.headers.ResponseTranslator} (origin response back),
 * {@link dev.ferry.bridge.headers.HopByHopFields}, {@link dev.ferry.bridge.headers.ForwardingPolicy} and
 * {@link dev.ferry.bridge.headers.ViaField}.
 */
package dev.ferry.bridge.headers;
