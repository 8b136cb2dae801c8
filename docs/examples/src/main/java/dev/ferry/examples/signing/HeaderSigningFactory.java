package dev.ferry.examples.signing;

import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** {@code name: header-signing}: see {@link SigningConfig} for its keys. */
public final class HeaderSigningFactory implements HookFactory<SigningConfig> {
    private final Map<String, String> environment;

    public HeaderSigningFactory() {
        this(System.getenv());
    }

    HeaderSigningFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "header-signing";
    }

    @Override
    public Class<SigningConfig> configType() {
        return SigningConfig.class;
    }

    @Override
    public ProxyHook create(SigningConfig config) {
        if (config.keyId() == null || config.keyId().isBlank() || config.keyId().contains(",")) {
            throw new IllegalArgumentException("key-id is required, without commas");
        }
        String secret = environment.get(config.secretEnv());
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("secret-env: " + config.secretEnv()
                    + " must hold a secret of at least 32 bytes");
        }
        return new HeaderSigning(config.keyId(), secret.getBytes(StandardCharsets.UTF_8), config.header(),
                config.fields(), Clock.systemUTC());
    }
}
