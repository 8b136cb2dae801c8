package dev.ferry.interop.support;

import java.util.concurrent.TimeUnit;

/** Ends a process together with everything it started, politely first. */
final class Processes {

  private Processes() {}

  /** SIGTERM to the process and its descendants, then SIGKILL to whatever is left after two seconds. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
