/**
 * {@code ferry bench}: an HTTP/3 load generator built on Ferry's own client. It exists because no HTTP/3-capable
 * h2load or wrk is available where Ferry is developed, and because a relay's speed only means something when measured
 * beside a peer with the same tool in the same run (see {@code bench/compare.sh}).
 *
 * <p>Two models: closed (each stream slot sends its next request when the previous one ends, as fast as the server
 * allows) and open (a fixed rate; latency counts from the intended send time, so that a stall is not hidden by the
 * requests it delayed, the "coordinated omission" of closed-loop tools). Latencies go into HdrHistogram.
 */
package dev.ferry.tools.bench;
