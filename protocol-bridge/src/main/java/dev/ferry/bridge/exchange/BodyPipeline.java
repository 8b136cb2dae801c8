package dev.ferry.bridge.exchange;

import dev.ferry.bridge.hook.BodyTransform;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * The body transforms of one direction of an exchange, in the order the bytes pass them: each chunk goes through
 * all of them before it is sent, and at the end each transform's last bytes go through the ones after it.
 */
final class BodyPipeline {
    private static final BodyPipeline NONE = new BodyPipeline(List.of());
    private final List<BodyTransform> transforms;
    private boolean released;

    private BodyPipeline(List<BodyTransform> transforms) {
        this.transforms = transforms;
    }

    static BodyPipeline of(List<BodyTransform> transforms) {
        return transforms.isEmpty() ? NONE : new BodyPipeline(List.copyOf(transforms));
    }

    boolean isEmpty() {
        return transforms.isEmpty();
    }

    /** Whether every transform keeps the body's length, so that Content-Length may stay. */
    boolean preservesLength() {
        return transforms.stream().allMatch(BodyTransform::preservesLength);
    }

    /** {@code chunk} through every transform; the result may be empty. Owns the chunk, hands over the result. */
    ByteBuf apply(ByteBuf chunk) {
        ByteBuf data = chunk;
        for (BodyTransform t : transforms) {
            data = t.onChunk(data);
        }
        return data;
    }

    /** The transforms' last bytes, each through the transforms after it; null when there are none. */
    ByteBuf end() {
        ByteBuf out = null;
        for (int i = 0; i < transforms.size(); i++) {
            if (out != null) {
                out = transforms.get(i).onChunk(out);
            }
            ByteBuf last = transforms.get(i).onEnd();
            if (last != null) {
                if (out == null || !out.isReadable()) {
                    if (out != null) {
                        out.release();
                    }
                    out = last;
                } else {
                    out = Unpooled.wrappedBuffer(out, last);
                }
            }
        }
        return out;
    }

    /** Releases every transform once; later calls do nothing. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        for (BodyTransform t : transforms) {
            try {
                t.release();
            } catch (RuntimeException ignored) {
                // Each transform's own memory: one failing must not keep the others from releasing theirs.
            }
        }
    }
}
