/**
 * The relay's metrics: {@link dev.ferry.app.metrics.RelayMetrics} holds the Micrometer Prometheus registry and the
 * meters read when scraped (listeners, tunnels, the JVM); {@link dev.ferry.app.metrics.ExchangeMetrics} is the hook
 * that records each exchange as it completes. docs/metrics.md lists every series.
 */
package dev.ferry.app.metrics;
