package io.kindling.core.internal.pool;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.spi.RunnerSpec;
import io.kindling.core.internal.AppVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a pool asks its backend to boot: the runner's name, and its spec with the parent's configuration, the
 * pool's environment and the parent's application version.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class RunnerSpecs {

    private static final AtomicLong RUNNER_IDS = new AtomicLong();

    /**
     * Keys (normal form, prefixes) a runner does not take from its parent: its name, address and address file, the
     * cookie and its file (a runner gets a key token), the parent's extensions (a pool names its runners' own), its
     * management endpoints (they would want the same port) and its pools.
     */
    static final List<String> NOT_CARRIED = List.of("kindling.node.", "kindling.cookie", "kindling.extensions",
            "kindling.management.", "kindling.pool.", "kindling.pools");

    private final Node node;
    private final PoolSettings settings;
    private final String cookie;

    RunnerSpecs(Node node, PoolSettings settings, String cookie) {
        this.node = node;
        this.settings = settings;
        this.cookie = cookie;
    }

    /** {@return a new runner's name: the pool's, a number, and this process's id, on the parent's host} */
    NodeName nextName() {
        return NodeName.of(settings.name().replaceAll("[^A-Za-z0-9_.-]", "-") + "-runner-"
                + RUNNER_IDS.incrementAndGet() + "-" + Long.toString(ProcessHandle.current().pid(), 36),
                node.address().host());
    }

    /**
     * The spec of a runner.
     *
     * @param runner its name
     * @param kept whether it is booted to keep the pool's floor: such a runner never stops itself for idleness;
     *     one booted for demand does, as a failsafe, when idle well past the pool's own idle shutdown
     * @return the spec
     */
    RunnerSpec spec(NodeName runner, boolean kept) {
        return new RunnerSpec(runner, node.address(), cookie, settings.name(), env(), settings.bootTimeout(),
                settings.extensions(), kept ? Duration.ZERO
                        : settings.idleShutdownAfter().multipliedBy(2).plusSeconds(5), carriedSettings());
    }

    /**
     * The parent's configuration a runner takes on (FlamePeer copies the application's config to its peers): every
     * effective {@code kindling.*} key, from every layer and the builder, except what is the parent's own and what
     * the pool's {@code env} sets (a {@code KINDLING_*} variable there wins).
     */
    Map<String, String> carriedSettings() {
        Map<String, String> carried = new TreeMap<>();
        Set<String> poolEnv = new HashSet<>();
        settings.env().keySet().stream().filter(name -> name.startsWith("KINDLING_"))
                .forEach(name -> poolEnv.add(Config.normalizeKey(name)));
        for (String key : node.config().keys()) {
            if (key.startsWith("kindling.") && NOT_CARRIED.stream().noneMatch(key::startsWith)
                    && !poolEnv.contains(key)) { // the pool's env names it: the runner reads that instead
                node.config().get(key).ifPresent(value -> carried.put(key, value));
            }
        }
        return carried;
    }

    /** The pool's environment, plus the parent's application version: runners run the parent's code. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(settings.env());
        node.attributes().get(AppVersion.KEY).ifPresent(version -> env.putIfAbsent(AppVersion.ENV, version));
        return env;
    }
}
