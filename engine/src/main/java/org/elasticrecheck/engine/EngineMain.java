package org.elasticrecheck.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one OpenSearch node on 127.0.0.1 and prints {@code READY <url>} once the cluster is yellow.
 * The node lives until stdin closes (its parent died or asked it to stop) or the JVM gets SIGTERM.
 *
 * <p>Arguments: {@code <httpPort> <homeDir> <clusterName> [keep|clean]}. The runner's own main exits silently on
 * any error, so this class prints every failure as one {@code ERROR ...} line and exits non-zero.
 */
public final class EngineMain {
  private EngineMain() {}

  public static void main(String[] args) {
    if (args.length < 3 || args.length > 4 || (args.length == 4 && !"keep".equals(args[3]) && !"clean".equals(args[3]))) {
      fail("usage: EngineMain <httpPort> <homeDir> <clusterName> [keep|clean]", null);
    }
    final int port;
    try {
      port = Integer.parseInt(args[0]);
    } catch (NumberFormatException e) {
      fail("http port is not a number: " + args[0], null);
      return;
    }
    if (port < 1025 || port > 9299) {
      fail("http port out of range: " + port, null);
    }
    final Path home = Paths.get(args[1]).toAbsolutePath();
    final String clusterName = args[2];
    // "keep": the caller owns the data directory and wants it back on the next start (npm start's .data/).
    final boolean keepData = args.length > 3 && "keep".equals(args[3]);
    ensurePortFree(port);
    ensurePortFree(port + 100);

    final OpenSearchRunner runner = new OpenSearchRunner();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(runner, keepData)));
    try {
      Files.createDirectories(home);
      runner.onBuild((index, settings) -> {
        settings.put("http.port", String.valueOf(port));
        settings.put("transport.port", String.valueOf(port + 100));
        settings.put("network.host", "127.0.0.1");
        settings.put("discovery.type", "single-node");
        settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        settings.put("action.auto_create_index", "true");
        settings.put("indices.query.bool.max_clause_count", "16384");
        settings.put("search.max_buckets", "200000");
      });
      runner.build(OpenSearchRunner.newConfigs()
          .numOfNode(1)
          .basePath(home.toString())
          .clusterName(clusterName)
          .baseHttpPort(port - 1)
          .printOnFailure());
      runner.ensureYellow();
    } catch (Throwable t) {
      fail("engine failed to start: " + t, t);
    }
    System.out.println("READY http://127.0.0.1:" + port);
    System.out.flush();
    waitForStdinClose();
    System.exit(0);
  }

  private static void ensurePortFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // as the engine's own listeners do: a port whose last owner was killed (sockets in TIME_WAIT) is free,
      // a port with a live listener is not (see engine/node/engine_process.ts, findFreePort)
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      fail("port " + port + " on 127.0.0.1 is already in use", null);
    }
  }

  private static void waitForStdinClose() {
    try {
      InputStream in = System.in;
      byte[] buffer = new byte[256];
      while (in.read(buffer) >= 0) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone too.
    }
  }

  private static void shutdown(OpenSearchRunner runner, boolean keepData) {
    try {
      runner.close();
    } catch (Throwable t) {
      // Best effort: the process is exiting anyway.
    }
    if (keepData) {
      return;
    }
    try {
      runner.clean();
    } catch (Throwable t) {
      // Best effort.
    }
  }

  private static void fail(String message, Throwable cause) {
    System.out.println("ERROR " + message);
    if (cause != null) {
      cause.printStackTrace(System.err);
    }
    System.out.flush();
    System.exit(2);
  }
}
