package dev.ferry.interop.support;

/** Finding a byte sequence in a byte array: an HTTP head's end in a response, a name in a packet capture. */
public final class ByteSearch {
    private ByteSearch() {
    }

    /** The first index of {@code pattern} in {@code data}, or -1. */
    public static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
