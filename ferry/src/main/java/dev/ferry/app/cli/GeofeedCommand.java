package dev.ferry.app.cli;

import dev.ferry.app.config.ConfigException;
import dev.ferry.app.config.ConfigLoader;
import dev.ferry.app.config.FerryConfig;
import dev.ferry.privacy.Geofeed;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry geofeed FILE}: an egress hop's pools as an RFC 8805 geofeed on standard output, one line per source
 * address, so that origins can place the addresses the relay sends from. Exit 0; 2 for a configuration with
 * problems, or one that is not an egress with pools.
 */
@Command(name = "geofeed", description = "Print an egress relay's source address pools as an RFC 8805 geofeed",
        mixinStandardHelpOptions = true)
public final class GeofeedCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The egress relay's YAML configuration file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            FerryConfig config = ConfigLoader.load(file);
            if (!config.privacy().isEgress() || config.privacy().egressPools().isEmpty()) {
                err.println(file + ": privacy.egress-pools: missing (expected: an egress relay's pools;"
                        + " privacy.role is " + config.privacy().role() + ")");
                err.flush();
                return CheckCommand.INVALID;
            }
            out.print(Geofeed.of(config.privacy().egressPools()));
            out.flush();
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.flush();
            return CheckCommand.INVALID;
        }
    }
}
