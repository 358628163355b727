%% The Erlang side of benchmarks/run-pool's cold call: peer:start_link of a new node on this host, then the first
%% erpc:call to it, timed together; the peer is stopped after each. Started by PoolBenchmark:
%%   erl -sname bench_peer_parent -setcookie bench -noshell -pa DIR -s peer_bench main Samples
%% Prints "erlang peer cold_median_ms=.. cold_p90_ms=.." after one untimed round.
-module(peer_bench).
-export([main/1]).

main([Samples]) ->
    N = list_to_integer(atom_to_list(Samples)),
    cold(),
    Times = lists:sort([cold() || _ <- lists:seq(1, N)]),
    io:format("erlang peer cold_median_ms=~.1f cold_p90_ms=~.1f~n",
              [lists:nth(N div 2 + 1, Times), lists:nth(max(1, (N * 9) div 10), Times)]),
    halt(0).

cold() ->
    T0 = erlang:monotonic_time(microsecond),
    {ok, Peer, Node} = peer:start_link(#{name => peer:random_name(), args => ["-setcookie", "bench"]}),
    42 = erpc:call(Node, erlang, abs, [-42]),
    T1 = erlang:monotonic_time(microsecond),
    peer:stop(Peer),
    (T1 - T0) / 1000.
