package dev.ferry.interop.hostile;

import dev.ferry.interop.raw.RawOutcome;
import io.netty.handler.codec.http3.Http3ErrorCode;

/**
 * The answers a case of {@code HostileRequestIT} accepts from the relay. RFC 9114 4.1.2 lets a server treat a
 * malformed request as a stream error of type H3_MESSAGE_ERROR or answer it with a 4xx before closing; a field
 * section larger than the relay takes may be answered 431 (RFC 6585 section 5) or the stream reset, but in either
 * case only that stream, never the connection: RFC 9114 4.2.2 sets the limit per message and answers it per message.
 */
enum ExpectedAnswer {
  REFUSED("a reset with H3_MESSAGE_ERROR (0x10e) or a 400") {
    @Override
    boolean accepts(RawOutcome outcome) {
      return messageError(outcome) || outcome.isResponse(400);
    }
  },
  SERVED("a 200") {
    @Override
    boolean accepts(RawOutcome outcome) {
      return outcome.isResponse(200);
    }
  },
  SERVED_OR_REFUSED("a 200, a 400 or a reset with H3_MESSAGE_ERROR (0x10e)") {
    @Override
    boolean accepts(RawOutcome outcome) {
      return SERVED.accepts(outcome) || REFUSED.accepts(outcome);
    }
  },
  TOO_LARGE("a 431 or a reset of the stream") {
    @Override
    boolean accepts(RawOutcome outcome) {
      return outcome.isResponse(431) || outcome.isReset();
    }
  };

  private final String description;

  ExpectedAnswer(String description) {
    this.description = description;
  }

  abstract boolean accepts(RawOutcome outcome);

  String description() {
    return description;
  }

  private static boolean messageError(RawOutcome outcome) {
    return outcome.isReset() && outcome.resetCode() == Http3ErrorCode.H3_MESSAGE_ERROR.code();
  }
}
