package io.kindling.core.internal.provider;

import io.kindling.api.Config;
import io.kindling.api.spi.Codec;
import io.kindling.tck.CodecContract;
import java.util.Map;

/** The {@code java} codec (serialization behind its filter) against the codec contract. */
class JavaCodecContractTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new JavaCodecProvider().create(Config.empty());
    }

    @Override
    protected Codec codecLimitedTo(int maxBytes) {
        return new JavaCodecProvider().create(Config.of(Map.of("max-bytes", Integer.toString(maxBytes))));
    }

    @Override
    protected Object unencodable() {
        return new Object();
    }
}
