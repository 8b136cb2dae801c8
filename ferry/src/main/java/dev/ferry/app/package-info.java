/**
 * The Ferry application: {@link dev.ferry.app.FerryMain} is the command line; {@code server} wires a relay from
 * {@code config}; {@code cli} holds the subcommands; {@code origin} the built-in origin; {@code client} the HTTP/3
 * client behind {@code ferry get}; {@code tls} certificate generation.
 */
package dev.ferry.app;
