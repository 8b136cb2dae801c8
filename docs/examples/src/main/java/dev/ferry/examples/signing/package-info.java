/**
 * Request signing as a plugin: {@link dev.ferry.examples.signing.HeaderSigningFactory} ({@code header-signing})
 * makes a hook that signs each request to the origin with HMAC-SHA256 over its method, authority, path, a time
 * and chosen fields, so the origin can check that it came through the relay unaltered.
 */
package dev.ferry.examples.signing;
