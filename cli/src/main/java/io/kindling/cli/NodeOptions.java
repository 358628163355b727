package io.kindling.cli;

import io.kindling.core.KindlingConfig;
import io.kindling.core.KindlingNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that starts a node shares: the cookie and any configuration key. */
final class NodeOptions {

    @Option(names = "--cookie", description = "The cluster cookie. Default: KINDLING_COOKIE, else the cookie file.")
    String cookie;

    @Option(names = "--cookie-file", paramLabel = "FILE", description = "Read the cookie from FILE (owner-only "
            + "permissions; it must exist) instead of ~/.kindling/cookie, which is created when absent.")
    Path cookieFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. "
            + "--set kindling.heartbeat.timeout=10s. Repeatable; an unknown kindling.* key gets a warning.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * A node builder with these options, whose configuration names {@code --set} as the source of its values.
     *
     * @param err where warnings about unknown keys go
     * @return the builder
     * @throws KindlingCli.UsageException if {@code --cookie-file} names a file that does not exist
     */
    KindlingNode.Builder builder(PrintWriter err) {
        KindlingConfig.Builder config = KindlingConfig.builder();
        settings.forEach((key, value) -> {
            if (key.startsWith("kindling.") && !KindlingConfig.isKnownKey(key)) {
                err.println("kindling: warning: --set " + key + " is not a key Kindling knows; did you mean "
                        + KindlingConfig.closestKnownKey(key) + "?");
                err.flush();
            }
            config.set(key, value, "command-line option --set " + key + "=" + value);
        });
        if (cookie != null) {
            config.set("kindling.cookie", cookie, "command-line option --cookie");
        }
        if (cookieFile != null) {
            if (!Files.isRegularFile(cookieFile)) {
                throw new KindlingCli.UsageException("the cookie file " + cookieFile + " (--cookie-file) does not "
                        + "exist; create it with the cluster's cookie (chmod 600), or leave out --cookie-file to use "
                        + "KINDLING_COOKIE or ~/.kindling/cookie");
            }
            config.set("kindling.cookie.file", cookieFile.toString(), "command-line option --cookie-file");
        }
        return KindlingNode.builder().config(config.build());
    }
}
