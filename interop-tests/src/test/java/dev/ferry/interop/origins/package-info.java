/**
 * How the relay copes with origins that fail in the ways real deployments do, not hostile ones: an endpoint that
 * is down, a connection pool that is full, HTTP/2 servers that retire connections with GOAWAY or refuse streams
 * ({@code OriginResilienceIT}). The origins are small Netty servers written here because each must fail in one
 * exact, repeatable way: {@link dev.ferry.interop.origins.CountingHttp1Origin} answers and counts, and can take over a
 * port held refusing connections ({@link dev.ferry.interop.support.RefusingPort}) to bring an endpoint back;
 * {@link dev.ferry.interop.origins.HoldingHttp1Origin} keeps requests open until released;
 * {@link dev.ferry.interop.origins.GoingAwayH2cOrigin} and {@link dev.ferry.interop.origins.RefusingH2cOrigin} retire
 * connections and refuse streams. {@link dev.ferry.interop.origins.GetBatch} sends and checks many GETs at a time.
 */
package dev.ferry.interop.origins;
