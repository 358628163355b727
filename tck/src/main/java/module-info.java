/**
 * Kindling's compatibility kit: one abstract JUnit 5 contract per plugin kind, the way Micrometer's
 * {@code MeterRegistryCompatibilityKit} serves every registry. A plugin's test class extends the matching contract
 * and supplies the plugin (and, where a contract needs one, a node or a failing source); every shipped plugin
 * passes it.
 */
module io.kindling.tck {
    requires transitive io.kindling.api;
    requires transitive org.junit.jupiter.api;

    exports io.kindling.tck;
    // ScalingPolicyContract finds the provider under test by name
    uses io.kindling.api.spi.ScalingPolicyProvider;
    opens io.kindling.tck to org.junit.platform.commons;
}
