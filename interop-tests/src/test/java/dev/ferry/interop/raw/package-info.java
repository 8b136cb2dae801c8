/**
 * A raw HTTP/3 client for tests that must send what a well-behaved client never would: header sections with
 * upper-case names, pseudo-header fields out of order, forbidden fields and values, and bodies that contradict their
 * content-length. Start at {@link dev.ferry.interop.raw.RawHttp3Client}; requests are
 * {@link dev.ferry.interop.raw.RawRequest}s and each ends in a {@link dev.ferry.interop.raw.RawOutcome}: a response
 * (its fields and any interim responses included) or a stream reset with its error code.
 */
package dev.ferry.interop.raw;
