package dev.ferry.bridge.builtin;

import dev.ferry.bridge.exchange.RequestHead;

/**
 * One authentication scheme of {@code Proxy-Authorization} (RFC 9110 11.6.2) that {@link ProxyAuthHook} accepts
 * beside client certificates: bearer tokens ({@link BearerTokenScheme}) built in, and whatever else a relay adds
 * with {@link ProxyAuthHook.Builder#scheme}: Privacy Pass's {@code PrivateToken} (RFC 9577), for one, whose tokens
 * admit a client without telling the relay who it is. The hook keeps what every scheme shares: which requests
 * need credentials, the 407 with one challenge per scheme, Proxy-Status, and never forwarding the credential.
 */
public interface ProxyCredentialScheme {

    /** The auth-scheme name, matched without regard to case (RFC 9110 11.1): {@code Bearer}, {@code PrivateToken}. */
    String name();

    /**
     * Judges the credentials of one {@code Proxy-Authorization} value of this scheme.
     *
     * @param credentials what follows the scheme name and its space: a token68 or auth-params, as sent
     * @param request     the request they came with (a scheme may bind tokens to its authority)
     */
    Verdict verify(String credentials, RequestHead request);

    /**
     * The {@code Proxy-Authenticate} challenge for this scheme (RFC 9110 11.7.1), with auth-params the client needs
     * to get credentials.
     *
     * @param invalid true after a credential of this scheme was refused, so that the challenge can say so
     */
    String challenge(String realm, boolean invalid);

    /**
     * What {@link #verify} found.
     *
     * @param accepted   whether the credential admits the request
     * @param result     how it went, for logs ({@link ProxyAuthHook#AUTH_RESULT}): {@code token}, {@code invalid-token}
     * @param credential a digest that names the credential without revealing it ({@link ProxyAuthHook#CREDENTIAL}),
     *                   what rate limits count by; null when refused, or when a scheme's tokens must not be linked
     */
    record Verdict(boolean accepted, String result, String credential) {
        public static Verdict accepted(String result, String credential) {
            return new Verdict(true, result, credential);
        }

        public static Verdict refused(String result) {
            return new Verdict(false, result, null);
        }
    }
}
