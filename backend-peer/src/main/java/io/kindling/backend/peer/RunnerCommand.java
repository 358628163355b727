package io.kindling.backend.peer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner's JVM command line: start-up options, the user's options, the paths, then core's runner entry point,
 * as a module when this JVM runs it as one.
 */
final class RunnerCommand {

    /** The module options a runner takes over from this JVM. */
    private static final List<String> MODULE_OPTIONS = List.of("--patch-module", "--add-reads", "--add-exports",
            "--add-opens", "--add-modules");

    private RunnerCommand() {
    }

    /**
     * The command of a runner with this JVM's paths and module options.
     *
     * @param java the {@code java} executable
     * @param startupOptions start-up cache options
     * @param jvmOptions the user's options
     * @param runnerMain core's runner entry point
     * @return the command
     */
    static List<String> local(String java, List<String> startupOptions, List<String> jvmOptions,
            Class<?> runnerMain) {
        return of(java, startupOptions, jvmOptions, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""), runnerMain);
    }

    /**
     * The command of a runner with the given paths (on the host where it runs) and this JVM's module options.
     *
     * @param java the {@code java} executable there
     * @param startupOptions start-up cache options
     * @param jvmOptions the user's options
     * @param modulePath the module path there; blank runs the entry point from the class path
     * @param classPath the class path there
     * @param runnerMain core's runner entry point
     * @return the command
     */
    static List<String> of(String java, List<String> startupOptions, List<String> jvmOptions, String modulePath,
            String classPath, Class<?> runnerMain) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-XX:TieredStopAtLevel=1");
        // Most of a runner's boot runs once: compiling it early (the start-up cache's profiles ask for that) took
        // about 45 ms of CPU from the boot on two cores. Ten times the thresholds still compiles what runs hot.
        command.add("-XX:CompileThresholdScaling=10");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.addAll(startupOptions);
        command.add(RunnerOutput.FORMAT_OPTION); // the runner's log lines come back at their level
        command.addAll(jvmOptions);
        Module runnerModule = runnerMain.getModule();
        boolean modular = runnerModule.isNamed() && runnerModule.getLayer() == ModuleLayer.boot()
                && !modulePath.isBlank();
        if (modular) {
            command.add("--module-path");
            command.add(modulePath);
            String upgrade = System.getProperty("jdk.module.upgrade.path", "");
            if (!upgrade.isBlank()) {
                command.add("--upgrade-module-path");
                command.add(upgrade);
            }
            // The module options this JVM was started with: patched modules (a test's classes), reads, exports,
            // opens. The JVM hides them from the system properties; the runtime bean still lists them.
            for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (MODULE_OPTIONS.stream().anyMatch(option -> argument.startsWith(option + "="))) {
                    command.add(argument);
                }
            }
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
            if (!classPath.isBlank()) {
                command.add("-cp");
                command.add(classPath);
            }
            command.add("-m");
            command.add(runnerModule.getName() + "/" + runnerMain.getName());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(runnerMain.getName());
        }
        return command;
    }
}
