package dev.ferry.app.cli;

import dev.ferry.app.config.ConfigException;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry check FILE}: validates a configuration file without starting anything, so that a deployment can
 * refuse a bad file before it replaces a good one. Exit code 0 when valid, 2 when not (1 is left to picocli's usage
 * errors), with one problem per line on standard error.
 */
@Command(name = "check", description = "Validate a configuration file and exit", mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {
    /** Exit code for a configuration with problems. */
    public static final int INVALID = 2;

    @Parameters(index = "0", paramLabel = "FILE", description = "The YAML configuration file to validate")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
        PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
        try {
            FerryConfig config = ConfigLoader.load(file);
            out.println("OK: " + file + ": " + config.listeners().size() + " listener(s), "
                    + config.routes().size() + " route(s), " + config.origins().size() + " origin(s)");
            out.flush();
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.flush();
            return INVALID;
        }
    }
}
