/**
 * Integration tests of the HTTP/3 relay against real peers: nginx through gtlsclient ({@code NginxThroughFerryIT}),
 * flupke uploads to nghttpd ({@code UploadThroughFerryIT}), concurrency, trailers, origin failures, malformed
 * requests, 1 GiB bodies in a small heap, the built-in default, graceful shutdown and h3spec.
 */
package dev.ferry.interop;
