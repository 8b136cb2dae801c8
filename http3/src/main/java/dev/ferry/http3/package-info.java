/**
 * The HTTP/3 parts both directions share, what Netty's HTTP/3 codec leaves to its users: the end of a request
 * stream written as a FIN ({@link dev.ferry.http3.Http3StreamFin}), the HTTP Datagram layer of a connection
 * ({@link dev.ferry.http3.Http3DatagramRouter} with {@link dev.ferry.http3.HttpDatagram}, RFC 9297 section 2.1), the
 * server's check of a client's SETTINGS ({@link dev.ferry.http3.PeerSettingsHandler}) and the RFC 9297 code points
 * ({@link dev.ferry.http3.Http3Codes}). The relay's listener ({@code quic-ingress}) and the client
 * ({@link dev.ferry.http3.client}) both stand on these, so a fix to one reaches the other.
 */
package dev.ferry.http3;
