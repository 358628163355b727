package io.kindling.core.pool;

import io.kindling.api.Config;
import io.kindling.api.Node;
import io.kindling.api.NodeName;
import io.kindling.api.RemoteCallable;
import io.kindling.api.spi.Backend;
import io.kindling.api.spi.BackendProvider;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.api.spi.ScalingPolicyProvider;
import io.kindling.core.internal.PluginLookup;
import io.kindling.core.internal.pool.PoolSettings;
import io.kindling.core.internal.provider.OnDemandPolicyProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Options of a {@link Pool}, from {@link Pool#builder(Node)}; unset ones come from {@code kindling.pool.<name>.*}.
 */
public final class PoolBuilder {
    private final Node node;
    private final List<Consumer<? super PoolEvent>> listeners = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String name = "default";
    private Backend backend;
    private String backendName;
    private Integer min;
    private Integer max;
    private Integer maxConcurrency;
    private Duration bootTimeout;
    private Duration callTimeout;
    private Duration idleShutdownAfter;
    private Duration shutdownTimeout;
    private Boolean singleUse;
    private List<String> extensions;
    private Duration minIdleShutdownAfter;
    private RemoteCallable<Boolean> idleCheck;
    private ScalingPolicy scalingPolicy;
    private String scalingPolicyName;
    private Duration scalingInterval;

    PoolBuilder(Node node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    /**
     * Sets the pool's name.
     *
     * @param name the pool's name, for runner names, logs and configuration; default {@code default}
     * @return this builder
     */
    public PoolBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets the backend.
     *
     * @param backend the backend, as an instance; the pool closes it at shutdown
     * @return this builder
     */
    public PoolBuilder backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /**
     * Sets the backend by provider name.
     *
     * @param providerName the backend by name ({@code local}, {@code peer}, or a plugin's); its settings are
     *     read from {@code kindling.backend.<name>.*}. Default {@code kindling.pool.<pool>.backend}, else
     *     {@code local}.
     * @return this builder
     */
    public PoolBuilder backend(String providerName) {
        this.backendName = Objects.requireNonNull(providerName, "providerName");
        return this;
    }

    /**
     * Sets the minimum number of runners.
     *
     * @param min runners kept up at all times, booted at start; default 0
     * @return this builder
     */
    public PoolBuilder min(int min) {
        this.min = min;
        return this;
    }

    /**
     * Sets the maximum number of runners.
     *
     * @param max the most runners at once; required
     * @return this builder
     */
    public PoolBuilder max(int max) {
        this.max = max;
        return this;
    }

    /**
     * Sets how many calls one runner runs at once.
     *
     * @param maxConcurrency calls one runner runs at once; default 100
     * @return this builder
     */
    public PoolBuilder maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
        return this;
    }

    /**
     * Sets the boot timeout.
     *
     * @param timeout from asking the backend to the runner's connection; default 30 s
     * @return this builder
     */
    public PoolBuilder bootTimeout(Duration timeout) {
        this.bootTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Sets the default call timeout.
     *
     * @param timeout the default per call, covering waiting and running; default 30 s
     * @return this builder
     */
    public PoolBuilder callTimeout(Duration timeout) {
        this.callTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Sets the idle time after which a runner beyond {@code min} stops.
     *
     * @param after how long a runner beyond {@code min} may stay idle; default 30 s
     * @return this builder
     */
    public PoolBuilder idleShutdownAfter(Duration after) {
        this.idleShutdownAfter = Objects.requireNonNull(after, "after");
        return this;
    }

    /**
     * Lets runners kept for {@code min} stop too, once idle this long (FLAME's {@code min_idle_shutdown_after}).
     * The pool then stays below {@code min} until the next call arrives, which boots it back up to {@code min}.
     *
     * @param after how long a runner kept for {@code min} may stay idle; default: for ever
     * @return this builder
     */
    public PoolBuilder minIdleShutdownAfter(Duration after) {
        this.minIdleShutdownAfter = Objects.requireNonNull(after, "after");
        return this;
    }

    /**
     * Asks each runner before stopping it for idleness (FLAME's {@code idle_shutdown_after: {time, check}}): the check
     * runs on the runner, and the runner stops only when it returns {@code true}. When it returns {@code false}, throws
     * or does not answer within 5 s, the runner stays and is asked again after another idle period; a failure is
     * logged.
     *
     * @param check runs on the runner; {@code true} lets it stop. Default: none, an idle runner stops
     * @return this builder
     */
    public PoolBuilder idleShutdownCheck(RemoteCallable<Boolean> check) {
        this.idleCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /**
     * Sets the scaling policy, as an instance: for a policy that reads a signal of the application's own.
     *
     * @param policy decides how many runners the pool keeps up ahead of demand
     * @return this builder
     */
    public PoolBuilder scalingPolicy(ScalingPolicy policy) {
        this.scalingPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Sets the scaling policy by provider name.
     *
     * @param providerName {@code on-demand}, {@code headroom} or a plugin's; its settings are read from
     *     {@code kindling.scaling-policy.<name>.*}. Default {@code kindling.pool.<pool>.scaling-policy}, else
     *     {@code on-demand}
     * @return this builder
     */
    public PoolBuilder scalingPolicy(String providerName) {
        this.scalingPolicyName = Objects.requireNonNull(providerName, "providerName");
        return this;
    }

    /**
     * Sets how often the scaling policy is asked.
     *
     * @param interval between two questions; default 1 s
     * @return this builder
     */
    public PoolBuilder scalingInterval(Duration interval) {
        this.scalingInterval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    /**
     * Sets the shutdown timeout.
     *
     * @param timeout how long shutdown waits for running calls; default 30 s
     * @return this builder
     */
    public PoolBuilder shutdownTimeout(Duration timeout) {
        this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Makes runners single use.
     *
     * @param singleUse whether each runner runs one call and stops; default false
     * @return this builder
     */
    public PoolBuilder singleUse(boolean singleUse) {
        this.singleUse = singleUse;
        return this;
    }

    /**
     * Adds an environment variable for runner processes. Runners do not inherit the parent's environment.
     *
     * @param key the variable
     * @param value its value
     * @return this builder
     */
    public PoolBuilder env(String key, String value) {
        env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Sets the node extensions of every runner.
     *
     * @param names node extensions every runner starts before it reports ready
     * @return this builder
     */
    public PoolBuilder extensions(List<String> names) {
        this.extensions = List.copyOf(names);
        return this;
    }

    /**
     * Called when a boot begins (FLAME's {@code on_grow_start}), on the pool's event thread.
     *
     * @param runner receives the runner being booted
     * @return this builder
     */
    public PoolBuilder onGrowStart(Consumer<NodeName> runner) {
        Objects.requireNonNull(runner, "runner");
        return listener(event -> {
            if (event instanceof PoolEvent.GrowStarted started) {
                runner.accept(started.runner());
            }
        });
    }

    /**
     * Called when a boot ends (FLAME's {@code on_grow_end}), on the pool's event thread.
     *
     * @param ended receives the runner and, when the boot failed, why; empty when it booted
     * @return this builder
     */
    public PoolBuilder onGrowEnd(BiConsumer<NodeName, Optional<String>> ended) {
        Objects.requireNonNull(ended, "ended");
        return listener(event -> {
            switch (event) {
                case PoolEvent.Grew grew -> ended.accept(grew.runner(), Optional.empty());
                case PoolEvent.BootFailed failed -> ended.accept(failed.runner(),
                        Optional.of(failed.error()));
                default -> { }
            }
        });
    }

    /**
     * Called when a runner leaves the pool (FLAME's {@code on_shrink}): idle, single use, lost or shut down.
     *
     * @param shrank receives the runner and why
     * @return this builder
     */
    public PoolBuilder onShrink(BiConsumer<NodeName, String> shrank) {
        Objects.requireNonNull(shrank, "shrank");
        return listener(event -> {
            if (event instanceof PoolEvent.Shrank gone) {
                shrank.accept(gone.runner(), gone.reason());
            }
        });
    }

    /**
     * Adds a listener.
     *
     * @param listener receives grow, shrink and boot-failure events
     * @return this builder
     */
    public PoolBuilder listener(Consumer<? super PoolEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Starts the pool and boots {@code min} runners in the background.
     *
     * @return the pool
     * @throws io.kindling.api.ConfigException if an option is invalid or {@code max} is missing
     * @throws io.kindling.api.PluginNotFoundException if no backend or scaling policy has the given name
     */
    public Pool start() {
        Config config = node.config();
        PoolSettings settings = PoolSettings.resolve(name, new PoolSettings.Set(min, max, maxConcurrency,
                bootTimeout, callTimeout, idleShutdownAfter, minIdleShutdownAfter, idleCheck, singleUse,
                shutdownTimeout, extensions, scalingInterval), env, config);
        ScalingPolicy policy = scalingPolicy;
        if (policy == null) {
            String provider = scalingPolicyName != null ? scalingPolicyName
                    : config.getString("kindling.pool." + name + ".scaling-policy", OnDemandPolicyProvider.NAME);
            policy = PluginLookup.create(ScalingPolicyProvider.class, provider, config, node.classLoader());
        }
        Backend chosen = backend;
        if (chosen == null) {
            String provider = backendName != null ? backendName
                    : config.getString("kindling.pool." + name + ".backend", "local");
            chosen = PluginLookup.create(BackendProvider.class, provider, config, node.classLoader());
        }
        return new Pool(node, settings, chosen, policy, listeners);
    }
}
