package io.kindling.cli;

import io.kindling.api.ConfigException;
import io.kindling.api.KindlingException;
import io.kindling.api.PluginNotFoundException;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;

/**
 * The {@code kindling} command. Every command exits 0 when it did its job, 1 when the operation failed (the reason on
 * stderr), and 2 for bad usage: an unknown option, a malformed argument, a bad {@code --set} value, a missing
 * {@code --cookie-file}, a plugin name no module provides.
 */
@Command(name = "kindling", mixinStandardHelpOptions = true, versionProvider = KindlingCli.Version.class,
        description = "Start and query Kindling nodes.",
        subcommands = {NodeCommand.class, PingCommand.class, NodesCommand.class, NamesCommand.class,
                InfoCommand.class, ObserverCommand.class, CommandLine.HelpCommand.class})
public final class KindlingCli {

    /** Exit code: the operation failed. */
    static final int FAILED = 1;
    /** Exit code: bad usage. */
    static final int USAGE = 2;

    private KindlingCli() {
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new KindlingCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean usage = e instanceof UsageException || e instanceof ConfigException
                    || e instanceof PluginNotFoundException;
            cmd.getErr().println("kindling " + cmd.getCommandName() + (usage ? ": " : " failed: ") + message(e));
            cmd.getErr().flush();
            return usage ? USAGE : FAILED;
        });
        return commandLine.execute(args);
    }

    private static String message(Throwable e) {
        return e instanceof KindlingException || e instanceof IllegalArgumentException || e instanceof UsageException
                ? e.getMessage() : e.toString();
    }

    /** A bad argument found while running a command: exits {@value #USAGE} with the message. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code PT5S}: the configuration's duration syntax. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.kindling.api.Config.of(Map.of("--timeout", value)).getDuration("--timeout", null);
        }
    }

    /** Kindling's version, from core's module or jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Module core = io.kindling.core.KindlingNode.class.getModule();
            String version = core.isNamed() ? core.getDescriptor().rawVersion().orElse(null)
                    : io.kindling.core.KindlingNode.class.getPackage().getImplementationVersion();
            return new String[] {"kindling " + (version != null ? version : "(version unknown)")};
        }
    }
}
