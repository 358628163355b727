%% The Erlang side of benchmarks/run-rpc: erpc:call between two Erlang nodes on loopback, with the task shapes
%% RpcBenchmark uses (noarg: erlang:node/0; str100: byte_size/1 of a 100-byte binary; echo1k: hd/1 of a list
%% holding a 1 KiB binary, which returns the binary). Started by RpcBenchmark:
%%   erl -name bench_a@127.0.0.1 -setcookie bench -noshell -pa DIR -s rpc_bench main Mode Samples PhaseMs
%% Mode rtt prints "erlang rtt SHAPE p50_us=.. p99_us=.."; mode tput prints
%% "erlang tput SHAPE CALLERS calls_per_s=..". The peer node is started with the peer module and stopped at the end.
-module(rpc_bench).
-export([main/1]).

main([Mode, Samples, PhaseMs]) ->
    {ok, Peer, B} = peer:start_link(#{name => bench_b, host => "127.0.0.1", longnames => true,
                                       args => ["-setcookie", "bench"]}),
    Shapes = [{noarg, erlang, node, []},
              {str100, erlang, byte_size, [binary:copy(<<"x">>, 100)]},
              {echo1k, erlang, hd, [[binary:copy(<<0>>, 1024)]]}],
    N = list_to_integer(atom_to_list(Samples)),
    Phase = list_to_integer(atom_to_list(PhaseMs)),
    case Mode of
        rtt -> [rtt(B, Shape, N) || Shape <- Shapes];
        tput -> [tput(B, Shape, C, Phase) || Shape <- Shapes, C <- [1, 8, 64]]
    end,
    peer:stop(Peer),
    halt(0).

rtt(B, {Name, M, F, A}, N) ->
    [erpc:call(B, M, F, A) || _ <- lists:seq(1, N)],
    Times = lists:sort([begin
                            T0 = erlang:monotonic_time(nanosecond),
                            erpc:call(B, M, F, A),
                            erlang:monotonic_time(nanosecond) - T0
                        end || _ <- lists:seq(1, N)]),
    P50 = lists:nth(N div 2, Times) / 1000,
    P99 = lists:nth((N * 99) div 100, Times) / 1000,
    io:format("erlang rtt ~s p50_us=~.1f p99_us=~.1f~n", [Name, P50, P99]).

tput(B, Shape, Callers, Phase) ->
    run(B, Shape, Callers, Phase), % warm this level
    Rate = run(B, Shape, Callers, Phase),
    {Name, _, _, _} = Shape,
    io:format("erlang tput ~s ~p callers calls_per_s=~w~n", [Name, Callers, round(Rate)]).

run(B, {_, M, F, A}, Callers, Phase) ->
    Self = self(),
    T0 = erlang:monotonic_time(millisecond),
    End = T0 + Phase,
    Pids = [spawn_link(fun() -> Self ! {done, loop(B, M, F, A, End, 0)} end) || _ <- lists:seq(1, Callers)],
    Total = lists:sum([receive {done, Count} -> Count end || _ <- Pids]),
    Elapsed = erlang:monotonic_time(millisecond) - T0,
    Total * 1000 / Elapsed.

loop(B, M, F, A, End, Count) ->
    case erlang:monotonic_time(millisecond) < End of
        true -> erpc:call(B, M, F, A), loop(B, M, F, A, End, Count + 1);
        false -> Count
    end.
