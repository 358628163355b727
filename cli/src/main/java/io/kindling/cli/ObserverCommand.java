package io.kindling.cli;

import com.sun.net.httpserver.HttpServer;
import io.kindling.api.NodeName;
import io.kindling.core.KindlingNode;
import io.kindling.core.SystemTasks;
import io.kindling.management.internal.Auth;
import io.kindling.management.internal.ObserverEndpoints;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kindling observer NODE}: serves the observer page on 127.0.0.1, drawing the cluster as NODE sees it (as
 * Erlang's {@code observer} draws a remote node). Runs until SIGTERM or Ctrl-C.
 */
@Command(name = "observer", mixinStandardHelpOptions = true,
        description = "Serve the observer page on 127.0.0.1: the cluster as NODE sees it, live (nodes and "
                + "connections, calls/s and round trips, pools and runners, the last events). Prints the page's "
                + "address; SIGTERM or Ctrl-C stops it.")
final class ObserverCommand extends ClientCommand {

    @Parameters(paramLabel = "NODE", description = "name@host:port or name@host.")
    String target;

    @Option(names = "--port", defaultValue = "0", description = "The page's port on 127.0.0.1. Default: any free "
            + "port.")
    int port;

    @Override
    boolean bounded() {
        return false; // runs until stopped; --timeout bounds connecting
    }

    @Override
    Integer run() throws Exception {
        KindlingNode client = startClient();
        NodeName peer = connect(client, target);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(executor);
        Duration perNode = Duration.ofSeconds(1);
        ObserverEndpoints observer = new ObserverEndpoints(server, new Auth(null),
                () -> client.call(peer, SystemTasks.clusterView(perNode), perNode.plusSeconds(5)),
                name -> name.equals(client.name()), Duration.ofSeconds(1));
        server.start();
        out().println("observer of " + peer + " on http://127.0.0.1:" + server.getAddress().getPort() + "/");
        out().flush();
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        client.monitor(event -> {
            if (event instanceof io.kindling.api.NodeEvent.NodeDown down && down.node().equals(peer)) {
                err().println("kindling observer: " + peer + " went down (" + down.reason() + ")");
                err().flush();
            }
        });
        stop.await();
        observer.close();
        server.stop(0);
        executor.shutdownNow();
        client.close();
        return 0;
    }
}
