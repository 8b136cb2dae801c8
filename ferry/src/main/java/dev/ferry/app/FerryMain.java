package dev.ferry.app;

import dev.ferry.app.cli.BenchCommand;
import dev.ferry.app.cli.CheckCommand;
import dev.ferry.app.cli.GeofeedCommand;
import dev.ferry.app.cli.ReloadCommand;
import dev.ferry.app.cli.GetCommand;
import dev.ferry.app.cli.InteropCommand;
import dev.ferry.app.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: {@code serve}, {@code check}, {@code get}. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
        description = "An HTTP/3 and QUIC relay",
        subcommands = {ServeCommand.class, CheckCommand.class, GeofeedCommand.class, GetCommand.class,
                BenchCommand.class, dev.ferry.app.cli.TokenCommand.class, dev.ferry.app.cli.TunnelCommand.class,
                InteropCommand.class, ReloadCommand.class})
public final class FerryMain implements Runnable {

    public static void main(String[] args) {
        int code = new CommandLine(new FerryMain()).execute(args);
        if (code != 0 || !isServe(args)) {
            System.exit(code);
        }
    }

    private static boolean isServe(String[] args) {
        return args.length > 0 && "serve".equals(args[0]) || InteropCommand.runsUntilStopped(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
