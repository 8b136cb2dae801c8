package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The outcome of one raw exchange and how long after the send it arrived. A refusal only protects anyone if it comes
 * promptly: a relay that "refuses" by waiting for an idle timeout holds a stream and an origin connection meanwhile.
 * The time is taken when the outcome completes, not when the test gets round to looking.
 *
 * @param outcome what the client got, or null when it got nothing within the wait
 * @param elapsed from the send to the outcome (the whole wait when there was none)
 * @param failure why there is no outcome, or null
 */
record TimedOutcome(RawOutcome outcome, Duration elapsed, String failure) {

  /** Sends and waits at most {@code wait} for the outcome. */
  static TimedOutcome of(Supplier<CompletableFuture<RawOutcome>> send, Duration wait) throws InterruptedException {
    AtomicLong end = new AtomicLong();
    long start = System.nanoTime();
    CompletableFuture<RawOutcome> sent = send.get().whenComplete((outcome, error) -> end.set(System.nanoTime()));
    try {
      RawOutcome outcome = sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return new TimedOutcome(outcome, Duration.ofNanos(end.get() - start), null);
    } catch (TimeoutException e) {
      return new TimedOutcome(null, wait, "no answer within " + wait.toMillis() + " ms");
    } catch (ExecutionException e) {
      return new TimedOutcome(null, Duration.ofNanos(end.get() - start), "the request could not be sent: "
          + e.getCause());
    }
  }

  boolean answered() {
    return outcome != null;
  }

  boolean within(Duration limit) {
    return answered() && elapsed.compareTo(limit) <= 0;
  }

  long millis() {
    return elapsed.toMillis();
  }

  @Override
  public String toString() {
    return answered() ? outcome.toString() : failure;
  }
}
