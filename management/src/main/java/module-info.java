/**
 * Kindling's management endpoints on the JDK's HTTP server ({@link io.kindling.management.ManagementServer}): health
 * probes, Prometheus metrics, the cluster as JSON, a server-sent event stream and the observer page; also the
 * {@code management} node extension.
 */
module io.kindling.management {
    requires transitive io.kindling.core;
    requires io.kindling.micrometer;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver;

    exports io.kindling.management;
    // the observer page and JSON, for the command line's observer
    exports io.kindling.management.internal to io.kindling.cli;

    provides io.kindling.api.spi.NodeExtensionProvider
            with io.kindling.management.internal.ManagementExtensionProvider;
}
