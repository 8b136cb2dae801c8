/**
 * The two-hop privacy relay proven from outside: each hop a separate Ferry process in a network namespace of its
 * own, real clients and origins (ngtcp2, kwik, curl, nginx), and packet captures read with tcpdump and tshark
 * showing what each party could learn.
 */
package dev.ferry.interop.privacy;
