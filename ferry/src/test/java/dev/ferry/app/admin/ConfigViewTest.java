package dev.ferry.app.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import org.junit.jupiter.api.Test;

class ConfigViewTest {
    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void showsTheRunningConfigurationWithoutItsSecrets() throws Exception {
        FerryConfig config = ConfigLoader.parse("""
                proxy-name: edge-7
                origins: {app: {protocol: h2c, endpoints: ['127.0.0.1:8080']}}
                tunnels:
                  connect-udp: true
                  egress: {allow: [10.0.0.0/8]}
                  auth: {tokens-sha256: [%s]}
                admin: {address: 127.0.0.1:9999}
                """.formatted(HASH), "c.yaml");
        String json = ConfigView.json(config);
        JsonNode tree = new ObjectMapper().readTree(json);
        assertTrue(tree.path("proxy-name").asText().equals("edge-7"), json);
        assertTrue(tree.path("origins").path("app").path("protocol").asText().equals("h2c"), json);
        assertTrue(tree.path("tunnels").path("auth").path("tokens").asInt() == 1, json);
        assertTrue(tree.path("admin").asText().equals("127.0.0.1:9999"), json);
        assertFalse(json.contains(HASH), "a token hash is a secret: " + json);
    }
}
