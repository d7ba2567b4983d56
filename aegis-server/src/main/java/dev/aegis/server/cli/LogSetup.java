package dev.aegis.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import dev.aegis.server.config.AegisConfig;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Applies the configured log format and level to Logback (logback.xml defines a JSON and a text appender on
 * stderr) and routes Helidon's java.util.logging records through SLF4J, so every line has one format.
 */
final class LogSetup {
    private LogSetup() {
    }

    static void apply(AegisConfig.Logging logging) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend (tests): leave it alone
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(logging.level().toUpperCase(Locale.ROOT), Level.INFO));
        String keep = logging.json() ? "json" : "text";
        java.util.Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> appenders = root.iteratorForAppenders();
        java.util.List<String> drop = new java.util.ArrayList<>();
        while (appenders.hasNext()) {
            String name = appenders.next().getName();
            if (!keep.equals(name)) {
                drop.add(name);
            }
        }
        for (String name : drop) {
            root.detachAppender(name);
        }
    }

    /** Quiet logging for one-shot commands (verify, config check): only warnings and errors, as text. */
    static void quiet() {
        apply(new AegisConfig.Logging(false, "warn"));
    }
}
