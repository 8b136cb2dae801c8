package dev.ferry.examples.body;

import dev.ferry.bridge.exchange.RequestHead;
import dev.ferry.bridge.exchange.ResponseHead;
import dev.ferry.bridge.hook.BodyTransform;
import dev.ferry.bridge.hook.ExchangeContext;
import dev.ferry.bridge.hook.HookFactory;
import dev.ferry.bridge.hook.ProxyHook;
import io.netty.buffer.ByteBuf;

/**
 * {@code name: upper-case}: upper-cases the ASCII letters of bodies as they stream through, in place, chunk by
 * chunk: a streaming body transform that holds nothing back and keeps the length (so Content-Length stays).
 */
public final class UpperCaseFactory implements HookFactory<UpperCaseFactory.Config> {

    /** @param direction {@code direction}, default {@code both}: {@code request}, {@code response} or both */
    public record Config(String direction) {
        public static Config defaults() {
            return new Config("both");
        }
    }

    /** The transform itself; stateless, so one serves every body. */
    static final BodyTransform UPPER_CASE = new BodyTransform() {
        @Override
        public ByteBuf onChunk(ByteBuf chunk) {
            for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
                byte b = chunk.getByte(i);
                if (b >= 'a' && b <= 'z') {
                    chunk.setByte(i, b - ('a' - 'A'));
                }
            }
            return chunk;
        }

        @Override
        public boolean preservesLength() {
            return true;
        }
    };

    @Override
    public String name() {
        return "upper-case";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public ProxyHook create(Config config) {
        boolean request = config.direction().equals("request") || config.direction().equals("both");
        boolean response = config.direction().equals("response") || config.direction().equals("both");
        if (!request && !response) {
            throw new IllegalArgumentException("direction: " + config.direction()
                    + " (expected: request, response or both)");
        }
        return new ProxyHook() {
            @Override
            public BodyTransform requestBody(ExchangeContext ctx, RequestHead originRequest) {
                return request ? UPPER_CASE : null;
            }

            @Override
            public BodyTransform responseBody(ExchangeContext ctx, ResponseHead clientResponse) {
                return response ? UPPER_CASE : null;
            }
        };
    }
}
