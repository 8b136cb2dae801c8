/**
 * Network addresses as people write them: {@link dev.ferry.bridge.net.HostPort}, the one parser of
 * {@code host:port} shared by the configuration, the command line and CONNECT targets.
 */
package dev.ferry.bridge.net;
