/**
 * Hostile peers on both sides of the relay. {@code HostileRequestIT} sends requests a well-behaved HTTP/3 client
 * never would (lying content-length, broken authority, forged client-address fields, oversized field sections) and
 * looks at the bytes that reach {@link dev.ferry.interop.hostile.RecordingHttp1Origin}. {@code MisbehavingOriginIT}
 * has {@link dev.ferry.interop.hostile.ScriptedHttp1Origin} answer with exactly the broken HTTP/1.1 a test scripts
 * (unsolicited 101, bodies where none may be, ambiguous framing, bytes on an idle connection) and looks at what the
 * client gets. Both origins are written here, on plain sockets and one framing loop
 * ({@link dev.ferry.interop.hostile.FramingHttp1Origin}), because any real server or codec would refuse to produce or
 * accept the bytes in question, or would normalise them before a test could see them.
 *
 * <p>{@link dev.ferry.interop.hostile.RawClientThroughRelay} starts an origin, a relay and a raw client together for
 * a test class and closes them in reverse order; {@code dev.ferry.interop.MalformedRequestIT} uses it too.
 */
package dev.ferry.interop.hostile;
