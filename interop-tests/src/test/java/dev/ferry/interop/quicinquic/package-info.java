/** QUIC carried inside Ferry's CONNECT-UDP tunnels, between peers that do not know they are tunnelled. */
package dev.ferry.interop.quicinquic;
