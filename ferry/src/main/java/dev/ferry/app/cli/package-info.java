/**
 * The subcommands of {@code ferry}: {@link dev.ferry.app.cli.ServeCommand}, {@link dev.ferry.app.cli.CheckCommand}
 * and {@link dev.ferry.app.cli.GetCommand}, each a picocli command returning an exit code.
 */
package dev.ferry.app.cli;
