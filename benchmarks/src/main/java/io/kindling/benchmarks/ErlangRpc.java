package io.kindling.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Erlang side of the RPC benchmark ({@code benchmarks/src/main/erlang/rpc_bench.erl}, compiled here with
 * {@code erlc}) with the same shapes, and of the pool benchmark's cold call ({@code peer_bench.erl}), in the same run, on a port mapper of its own (port 4391) that it stops
 * afterwards. Prints Erlang's lines as they come and returns its figures by the keys {@link RpcBenchmark} uses.
 * Without {@code erl} on the path, prints why and returns nothing.
 */
final class ErlangRpc {

    private static final String EPMD_PORT = "4391";

    private ErlangRpc() {
    }

    static Map<String, Double> run(String mode, int samples, Duration phase) throws IOException,
            InterruptedException {
        return runModule("rpc_bench", List.of("-name", "bench_a@127.0.0.1"), List.of(mode, Integer.toString(samples),
                Long.toString(phase.toMillis())));
    }

    /**
     * Runs the cold-call side of the pool benchmark ({@code peer_bench.erl}): {@code peer:start_link} and the first
     * {@code erpc:call}, timed together.
     *
     * @param samples timed rounds, after one untimed
     * @return {@code peer cold_median_ms} and {@code peer cold_p90_ms}; empty without Erlang
     */
    static Map<String, Double> peerColdCalls(int samples) throws IOException, InterruptedException {
        return runModule("peer_bench", List.of("-sname", "bench_peer_parent"), List.of(Integer.toString(samples)));
    }

    private static Map<String, Double> runModule(String module, List<String> nodeName, List<String> arguments)
            throws IOException, InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>();
        String source = System.getProperty("kindling.bench.erlang-source", "benchmarks/src/main/erlang");
        Path beams = Files.createTempDirectory("kindling-erlang-bench");
        try {
            if (run(new ProcessBuilder("erlc", "-o", beams.toString(), source + "/" + module + ".erl"), null) != 0) {
                RpcBenchmark.print("erlang skipped: erlc could not compile %s/%s.erl", source, module);
                return figures;
            }
            List<String> command = new ArrayList<>(List.of("erl"));
            command.addAll(nodeName);
            command.addAll(List.of("-setcookie", "bench", "-noshell", "-pa", beams.toString(), "-s", module,
                    "main"));
            command.addAll(arguments);
            ProcessBuilder erl = new ProcessBuilder(command);
            erl.environment().put("ERL_EPMD_PORT", EPMD_PORT);
            run(erl, figures);
        } catch (IOException e) {
            RpcBenchmark.print("erlang skipped: %s (install Erlang/OTP to compare)", e.getMessage());
        } finally {
            ProcessBuilder kill = new ProcessBuilder("epmd", "-port", EPMD_PORT, "-kill");
            try {
                run(kill, null);
            } catch (IOException e) {
                // no epmd: nothing to stop
            }
            io.kindling.testsupport.TempFiles.deleteTree(beams);
        }
        return figures;
    }

    /** Runs a process to its end (at most ten minutes), echoing and parsing its lines. */
    private static int run(ProcessBuilder builder, Map<String, Double> figures) throws IOException,
            InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (figures == null) {
                    continue;
                }
                RpcBenchmark.print("%s", line);
                String[] words = line.trim().split("\\s+");
                if (words.length >= 4 && words[0].equals("erlang") && words[1].equals("rtt")) {
                    figures.put(words[2], value(words[3]));
                } else if (words.length >= 6 && words[0].equals("erlang") && words[1].equals("tput")) {
                    figures.put(words[2] + " " + words[3], value(words[5]));
                } else if (words.length >= 3 && words[0].equals("erlang") && words[1].equals("peer")) {
                    for (int i = 2; i < words.length; i++) {
                        figures.put("peer " + words[i].substring(0, words[i].indexOf('=')), value(words[i]));
                    }
                }
            }
        } finally {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }
        return process.exitValue();
    }

    private static double value(String keyValue) {
        return Double.parseDouble(keyValue.substring(keyValue.indexOf('=') + 1));
    }
}
