package io.kindling.api.spi;

/**
 * Provides a {@link ScalingPolicy}, selected per pool by {@code kindling.pool.<name>.scaling-policy} (default
 * {@code on-demand}) or the pool's builder. Settings are read from {@code kindling.scaling-policy.<name>.*}. A new
 * policy is created for each pool that names it.
 */
public interface ScalingPolicyProvider extends PluginProvider<ScalingPolicy> {
}
