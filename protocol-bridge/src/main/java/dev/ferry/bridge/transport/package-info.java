/**
 * The socket transport (native epoll or Java NIO), chosen once per process by
 * {@link dev.ferry.bridge.transport.Transport}, so that event loops and channels always match.
 */
package dev.ferry.bridge.transport;
