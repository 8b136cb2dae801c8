/**
 * Ferry as a QUIC interop endpoint: HTTP/0.9 over QUIC ({@code hq-interop}) and HTTP/3 served from a {@code files}
 * origin, judged by QUIC stacks nobody here wrote. {@link dev.ferry.interop.endpoint.Hq09ServerIT} is the start.
 */
package dev.ferry.interop.endpoint;
