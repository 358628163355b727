package io.kindling.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.api.Config;
import io.kindling.api.ConfigException;
import io.kindling.api.spi.ScalingPolicy;
import io.kindling.api.spi.ScalingPolicyProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.opentest4j.TestAbortedException;

/**
 * The contract of a {@link ScalingPolicy} and its provider, from their Javadoc: the provider has a plugin name and
 * is found by it; the policy answers every state of a pool with a number from 0 to {@code max}, quickly and without
 * throwing (it runs on the pool's timer thread); a setting it cannot use is refused with a {@link ConfigException}
 * naming the key.
 *
 * <p>A check a policy cannot serve (it has no setting to get wrong) is left out, as in
 * {@link DiscoveryStrategyContract}: no test runs, and the reason is published as a report entry
 * ({@code not applicable}).
 */
public abstract class ScalingPolicyContract {

    /** How long the policy may take to answer the whole grid of states. */
    private static final Duration GRID_BOUND = Duration.ofSeconds(5);
    /** How long one answer may take: the pool's timer thread waits for it. */
    private static final Duration ANSWER_BOUND = Duration.ofMillis(50);

    /** For the {@code ScalingPolicyContractTest} of each policy. */
    protected ScalingPolicyContract() {
    }

    /** {@return the provider under test} */
    protected abstract ScalingPolicyProvider provider();

    /** {@return the settings the policy is created with, under {@code kindling.scaling-policy.<name>}; default none} */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Settings the policy must refuse.
     *
     * @return a setting (one key, relative to {@code kindling.scaling-policy.<name>}) with a value it cannot use
     * @throws TestAbortedException through {@link Assumptions#abort(String)} when the policy has no setting to get
     *     wrong (the default)
     */
    protected Map<String, String> invalidSettings() {
        return Assumptions.abort("the policy has no setting to get wrong");
    }

    private ScalingPolicy policy() {
        return provider().create(scoped(settings()));
    }

    private Config scoped(Map<String, String> relative) {
        Map<String, String> full = new java.util.HashMap<>();
        relative.forEach((key, value) -> full.put("kindling.scaling-policy." + provider().name() + "." + key,
                value));
        return Config.of(full).scoped("kindling.scaling-policy." + provider().name());
    }

    @Test
    void theProviderHasAPluginNameAndServiceLoaderFindsItByThatName() {
        String name = provider().name();
        assertNotNull(name);
        assertTrue(name.matches("[a-z0-9][a-z0-9-]*"), "lower case letters, digits and '-': " + name);
        List<String> found = ServiceLoader.load(ScalingPolicyProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).map(ScalingPolicyProvider::name).toList();
        assertTrue(found.contains(name), "registered (module-info provides, and META-INF/services): " + found);
        assertEquals(1, found.stream().filter(name::equals).count(), "one provider per name: " + found);
    }

    @Test
    void everyStateGetsAnAnswerFromZeroToMaxQuickly() {
        ScalingPolicy policy = policy();
        assertTimeoutPreemptively(GRID_BOUND, () -> {
            Instant midnight = Instant.parse("2026-01-01T00:00:00Z");
            for (int max : new int[] {1, 3, 50}) {
                for (int min : new int[] {0, max / 2, max}) {
                    for (int runners = 0; runners <= max; runners += Math.max(1, max / 4)) {
                        for (int queued : new int[] {0, 1, 7, 10_000}) {
                            for (int callsPerRunner : new int[] {1, 100}) {
                                for (int hour = 0; hour < 24; hour += 6) {
                                    int busy = runners / 2;
                                    ScalingPolicy.State state = new ScalingPolicy.State("tck", min, max, runners,
                                            max - runners, busy, queued, callsPerRunner,
                                            midnight.plus(Duration.ofHours(hour)));
                                    long started = System.nanoTime();
                                    int target = policy.target(state);
                                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                                    assertTrue(target >= 0 && target <= max, "answered " + target + " for " + state);
                                    assertTrue(took.compareTo(ANSWER_BOUND) <= 0, "took " + took.toMillis()
                                            + " ms for " + state + "; it runs on the pool's timer thread");
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void aPolicyCreatedTwiceAnswersAlike() {
        ScalingPolicy.State state = new ScalingPolicy.State("tck", 0, 4, 1, 0, 1, 3, 1, Instant.now());
        assertEquals(policy().target(state), policy().target(state), "a new pool's policy starts from the same"
                + " settings");
    }

    @TestFactory
    Stream<DynamicTest> aSettingItCannotUseIsRefusedWithItsKey(TestReporter reporter) {
        Map<String, String> invalid;
        try {
            invalid = invalidSettings();
        } catch (TestAbortedException notServed) {
            reporter.publishEntry("not applicable", notServed.getMessage());
            return Stream.empty();
        }
        return Stream.of(DynamicTest.dynamicTest("check", () -> {
            ConfigException refused = assertThrows(ConfigException.class, () -> provider().create(scoped(invalid)));
            String key = invalid.keySet().iterator().next();
            assertTrue(refused.getMessage().contains(key), "the message names the key: " + refused.getMessage());
        }));
    }
}
