package dev.ferry.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The Logback configurations shipped for operators: each loads, and its encoder writes one JSON object per line with
 * the level, the logger and the message.
 */
class LogbackConfigsTest {

    private static LoggerContext load(URL config) throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        return context;
    }

    private static JsonNode encodeOne(OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender,
                                      LoggerContext context) throws Exception {
        Logger logger = context.getLogger("dev.ferry.app.server.AsyncLineWriter");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
                "access log: 3 lines dropped", null, null);
        String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertEquals(1, line.strip().lines().count(), line);
        return new ObjectMapper().readTree(line);
    }

    @Test
    void theJsonConfigWritesOneJsonObjectPerLineToStandardError() throws Exception {
        URL config = getClass().getClassLoader().getResource("logback-json.xml");
        assertNotNull(config, "logback-json.xml is on the class path, so that -Dlogback.configurationFile finds it");
        LoggerContext context = load(config);
        var appender = assertInstanceOf(OutputStreamAppender.class,
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        @SuppressWarnings("unchecked")
        JsonNode json = encodeOne(appender, context);
        assertEquals("WARN", json.path("level").asText(), json.toString());
        assertEquals("dev.ferry.app.server.AsyncLineWriter", json.path("loggerName").asText(), json.toString());
        assertEquals("access log: 3 lines dropped", json.path("message").asText(), json.toString());
        context.stop();
    }

    @Test
    void theRollingExampleInDeployRollsJsonLines(@TempDir Path dir) throws Exception {
        // The example's directory, moved out of /var/log for the test.
        System.setProperty("FERRY_LOG_DIR", dir.toString());
        LoggerContext context;
        try {
            context = load(Path.of("..", "deploy", "logback-rolling.xml").toUri().toURL());
        } finally {
            System.clearProperty("FERRY_LOG_DIR");
        }
        var appender = assertInstanceOf(RollingFileAppender.class,
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("FILE"));
        assertEquals(dir.resolve("ferry.log").toString(), appender.getFile());
        @SuppressWarnings("unchecked")
        JsonNode json = encodeOne(appender, context);
        assertEquals("access log: 3 lines dropped", json.path("message").asText(), json.toString());
        context.stop();
    }
}
