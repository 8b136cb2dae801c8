package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawOutcome;
import java.util.function.Predicate;

/**
 * The response a case of {@code MisbehavingOriginIT} accepts from the relay, with a description for the failure
 * message. Where RFC 9112 leaves a recipient the choice between repairing a response and rejecting it (bare LF line
 * endings, whitespace before a colon), a case accepts either the repaired response or a 502, never anything else.
 */
record ExpectedResponse(String description, Predicate<RawOutcome> test) {

  /** A complete 502: the relay could not make a valid response out of what the origin sent (RFC 9110 15.6.3). */
  static ExpectedResponse badGateway() {
    return new ExpectedResponse("a 502", outcome -> outcome.isResponse(502));
  }

  /** A complete response with this status and no content at all. */
  static ExpectedResponse withoutBody(int status) {
    return new ExpectedResponse("a " + status + " without a body",
        outcome -> outcome.isResponse(status) && outcome.body().length == 0);
  }

  /** A complete response with this status and exactly this body. */
  static ExpectedResponse withBody(int status, String body) {
    return new ExpectedResponse("a " + status + " with the body \"" + body + "\"",
        outcome -> outcome.isResponse(status) && outcome.bodyText().equals(body));
  }

  /** This response, provided it also passes the extra test. */
  ExpectedResponse and(String what, Predicate<RawOutcome> extra) {
    return new ExpectedResponse(description + " " + what, test.and(extra));
  }

  /** This response or a 502. */
  ExpectedResponse orBadGateway() {
    return new ExpectedResponse(description + ", or a 502", test.or(outcome -> outcome.isResponse(502)));
  }

  boolean accepts(RawOutcome outcome) {
    return outcome != null && test.test(outcome);
  }
}
