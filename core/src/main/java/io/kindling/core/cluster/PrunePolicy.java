package io.kindling.core.cluster;

import io.kindling.api.ConfigException;
import java.util.Locale;

/**
 * Which nodes a {@link Cluster} disconnects when discovery stops naming them. Only nodes the cluster manages are
 * ever pruned (see {@link Cluster}); nodes connected by other means are left alone. Nothing is pruned after a
 * discovery that failed, wholly or in part.
 */
public sealed interface PrunePolicy {

    /**
     * Whether a managed node is disconnected now.
     *
     * @param consecutiveMisses how many complete discoveries in a row, this one included, did not name it (≥ 1)
     * @return whether to disconnect it
     */
    boolean prune(int consecutiveMisses);

    /** {@return never disconnect: the default, as libcluster's {@code prune: false}} */
    static PrunePolicy never() {
        return Never.INSTANCE;
    }

    /** {@return disconnect on the first discovery that does not name the node} */
    static PrunePolicy immediately() {
        return new AfterMisses(1);
    }

    /**
     * Disconnects after several discoveries in a row without the node: rides out a partial DNS answer or a node
     * that is briefly deregistered.
     *
     * @param refreshes how many; at least 1
     * @return the policy
     * @throws IllegalArgumentException if {@code refreshes < 1}
     */
    static PrunePolicy afterMisses(int refreshes) {
        return new AfterMisses(refreshes);
    }

    /**
     * Reads a policy as configuration writes it: {@code never}, {@code immediately}, or {@code after:N}.
     *
     * @param key the setting's full name, for the error message
     * @param text the value
     * @return the policy
     * @throws ConfigException if the value is none of these
     */
    static PrunePolicy parse(String key, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("never")) {
            return never();
        }
        if (value.equals("immediately")) {
            return immediately();
        }
        if (value.startsWith("after:")) {
            try {
                int n = Integer.parseInt(value.substring(6).trim());
                if (n >= 1) {
                    return afterMisses(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ConfigException(key, "Setting " + key + " = '" + text + "' is not a prune policy: use never, "
                + "immediately, or after:N with N >= 1 (prune after N refreshes in a row without the node)");
    }

    /** Never prunes. */
    enum Never implements PrunePolicy {
        /** The one instance. */
        INSTANCE;

        @Override
        public boolean prune(int consecutiveMisses) {
            return false;
        }

        @Override
        public String toString() {
            return "never";
        }
    }

    /**
     * Prunes after a number of misses in a row.
     *
     * @param refreshes the number; 1 is {@link #immediately()}
     */
    record AfterMisses(int refreshes) implements PrunePolicy {
        /** Checks the number. */
        public AfterMisses {
            if (refreshes < 1) {
                throw new IllegalArgumentException("A prune policy needs at least 1 refresh without the node, not "
                        + refreshes);
            }
        }

        @Override
        public boolean prune(int consecutiveMisses) {
            return consecutiveMisses >= refreshes;
        }

        @Override
        public String toString() {
            return refreshes == 1 ? "immediately" : "after:" + refreshes;
        }
    }
}
