package io.kindling.core.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event {@code kindling.CallIn}: A call a peer made to this node, from its decoding to its answer. Its fields are {@link CallEvent}'s.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.CallIn")
@Label("Call In")
@Description("A call a peer made to this node, from its decoding to its answer.")
public final class CallInEvent extends CallEvent {

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(CallInEvent.class);
    }
}
