/**
 * An origin made of files: {@link dev.ferry.origin.files.FileOriginConnector} serves a directory through the
 * exchange driver (configured as {@code protocol: files}), {@link dev.ferry.origin.files.FilePaths} keeps every
 * request inside that directory, and {@link dev.ferry.origin.files.FileOriginExchange} streams one file at the pace
 * the client reads it.
 */
package dev.ferry.origin.files;
