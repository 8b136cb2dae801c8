/**
 * Clients that fetch files over QUIC for the QUIC interop runner's client role: the runner names files by URL and
 * checks that each arrives whole, over the connections, streams and TLS sessions its test case asks for.
 *
 * <p>Starting points: {@link dev.ferry.tools.interop.FileClient} opens a {@link
 * dev.ferry.tools.interop.FileConnection}, over HTTP/0.9 ({@link dev.ferry.tools.interop.HqClient}, ALPN
 * {@code hq-interop}) or HTTP/3 ({@link dev.ferry.tools.interop.Http3FileClient}); {@link
 * dev.ferry.tools.interop.ParallelDownloads} runs many downloads on one connection within the server's stream limit;
 * {@link dev.ferry.tools.interop.FileClientSettings} holds the transport settings and why they are what they are;
 * {@link dev.ferry.tools.interop.ResumptionProbe} tells whether a handshake resumed a TLS session. Which case uses
 * which connections is the application's business ({@code dev.ferry.app.interop.InteropClient}).
 */
package dev.ferry.tools.interop;
