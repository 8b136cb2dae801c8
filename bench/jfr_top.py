#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` output as Markdown: where Ferry's
event-loop threads spend their time, by own (top frame) and total (anywhere on the stack) samples.

JFR samples Java frames only; time inside quiche (JNI) shows up as native-method samples whose top Java frame is the
Netty QUIC method that called into it, so both event types are counted. Threads waiting for I/O (epoll/select) are
idle, not cost, and are dropped.
"""
import collections
import re
import sys

IDLE = ("sun.nio.ch.EPoll.wait", "sun.nio.ch.SelectorImpl", "io.netty.channel.epoll.Native.epollWait",
        "sun.nio.ch.EPollSelectorImpl.doSelect", "jdk.internal.misc.Unsafe.park", "java.lang.Object.wait",
        "java.lang.Thread.sleep")
FRAME = re.compile(r"^\s+([\w$.<>]+)\(")


def parse(path):
    samples = []
    event, thread, frames, in_stack = None, None, [], False
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("jdk.ExecutionSample") or line.startswith("jdk.NativeMethodSample"):
            event, thread, frames, in_stack = line.split()[0], None, [], False
        elif "sampledThread = " in line:
            thread = line.split('"')[1] if '"' in line else line.strip()
        elif "stackTrace = [" in line:
            in_stack = True
        elif in_stack and line.strip() == "]":
            in_stack = False
            samples.append((event, thread, frames))
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))
    return samples


def category(frame):
    rules = [("io.netty.handler.codec.quic.Quiche", "quiche (native QUIC, TLS, crypto) via JNI"),
             ("io.netty.handler.codec.quic", "Netty QUIC codec (Java side)"),
             ("io.netty.handler.codec.http3", "Netty HTTP/3 + QPACK"),
             ("io.netty.handler.codec.http", "Netty HTTP/1.1 codec (origin side)"),
             ("io.netty.buffer", "Netty buffers"),
             ("io.netty.channel", "Netty channel pipeline / event loop"),
             ("io.netty", "Netty other"),
             ("dev.ferry", "Ferry's own code"),
             ("sun.nio.ch", "JDK NIO (socket syscalls)"),
             ("java.", "JDK library"), ("jdk.", "JDK library"), ("sun.", "JDK library")]
    for prefix, name in rules:
        if frame.startswith(prefix):
            return name
    return "other"


def main(path):
    samples = [s for s in parse(path) if s[2] and not any(s[2][0].startswith(i) for i in IDLE)]
    loop = [s for s in samples if s[1] and "EventLoop" in s[1]]
    use = loop or samples
    total = len(use)
    own = collections.Counter(s[2][0] for s in use)
    incl = collections.Counter()
    cats = collections.Counter()
    for _, _, frames in use:
        incl.update(set(frames))
        cats[category(frames[0])] += 1
    ferry = collections.Counter()
    for _, _, frames in use:
        ferry.update({f for f in frames if f.startswith("dev.ferry")})
    print(f"{total} busy samples on {'event-loop threads' if loop else 'all threads'} "
          f"({len(samples)} busy samples in all).\n")
    print("| Where (own time, by top frame) | Share |\n|---|---:|")
    for name, n in cats.most_common():
        print(f"| {name} | {100 * n / total:.1f}% |")
    print("\n| Top methods by own time | Share |\n|---|---:|")
    for name, n in own.most_common(15):
        print(f"| `{name}` | {100 * n / total:.1f}% |")
    print("\n| Ferry methods by total time (on the stack) | Share |\n|---|---:|")
    for name, n in ferry.most_common(12):
        print(f"| `{name}` | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1])
