package dev.ferry.app.server;

import java.io.PrintStream;

/** Where {@link AsyncLineWriter}'s thread puts lines: a stream, or a file that rotates by size. */
interface LineOutput {
    /** Writes one line and its line end. */
    void line(String line);

    void flush();

    /** Flushes, and closes what this output owns. */
    void close();

    /** A stream; {@code owned} says whether {@link #close} closes it (a file) or only flushes it (standard output). */
    static LineOutput of(PrintStream out, boolean owned) {
        return new LineOutput() {
            @Override
            public void line(String line) {
                out.println(line);
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                if (owned) {
                    out.close();
                } else {
                    out.flush();
                }
            }
        };
    }
}
