package dev.ferry.examples.signing;

import java.util.List;

/**
 * How requests to the origin are signed.
 *
 * @param keyId     {@code key-id}, required: names the key to the origin
 * @param secretEnv {@code secret-env}, default {@code FERRY_SIGNING_SECRET}: the environment variable holding the
 *                  secret (at least 32 bytes), so the secret never sits in the configuration file
 * @param header    {@code header}, default {@code x-ferry-signature}: the field the signature goes in; a copy
 *                  sent by the client is removed first, so a client cannot forge it
 * @param fields    {@code fields}, default none: request fields whose values are signed too, in this order
 */
public record SigningConfig(String keyId, String secretEnv, String header, List<String> fields) {

    public static SigningConfig defaults() {
        return new SigningConfig(null, "FERRY_SIGNING_SECRET", "x-ferry-signature", List.of());
    }
}
