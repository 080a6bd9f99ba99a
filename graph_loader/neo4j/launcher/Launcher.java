import inet.ipaddr.IPAddressString;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.server.configuration.ServerSettings;

/**
 * Runs an embedded Neo4j Community DBMS with Bolt and HTTP (Neo4j Browser at /browser/) on 127.0.0.1 only.
 *
 * Arguments: HOME_DIR PORT HTTP_PORT PAGECACHE_MB TX_MEMORY_MB (HTTP_PORT 0: no HTTP connector). Authentication is
 * on for Bolt and HTTP alike. Bolt's advertised address is 127.0.0.1:PORT, so the HTTP discovery document sends
 * Browser to this run's Bolt port rather than 7687. Browser makes no request off the machine: telemetry is off,
 * remote guides and styles come from localhost and 127.0.0.1 only, and the static content is served with a
 * Content-Security-Policy ({@link #BROWSER_CSP}) that lets the page reach this machine only (Neo4j's default one
 * lets Browser fetch Google Fonts and load Segment's and Canny's scripts, which it does whatever the telemetry
 * setting). The password is read from the environment variable DKG_NEO4J_PASSWORD (never from the command line,
 * which other users can read in the process table), the run token from DKG_NEO4J_RUN_TOKEN. Prints
 * "READY <version> <run token>" once Bolt accepts connections, so the caller can tell this run's readiness from an
 * earlier run's; prints "FAILED <reason>" and exits 1 when it cannot serve; shuts down cleanly on SIGTERM.
 *
 * As a standard Neo4j server does, LOAD CSV reads files only inside HOME_DIR/import; unlike its default, it fetches
 * no URL from any address unless DKG_NEO4J_ALLOW_URL_IMPORT is "true" (a read-only query must not be a way to make
 * this machine send requests).
 *
 * <p>Bulk import in this warm JVM: before READY it prints "CONTROL <port> <run token>", a control port on
 * 127.0.0.1. A client that sends the instance's password on the first line, then "IMPORT", then lines
 * "--nodes=FILE" / "--relationships=FILE" (files inside HOME_DIR/bulk only) and "END", has the DBMS shut down,
 * Neo4j's importer ({@code neo4j-admin database import full neo4j --overwrite-destination}) run in this JVM, and
 * the DBMS built again; the reply is "OK" or "FAILED <reason>". A cold JVM would cost tens of seconds of start-up
 * on top of the import. The marker file HOME_DIR/import.pending exists while the store is being replaced: a
 * failed import, or a start that finds the marker (the JVM was killed mid-import), removes the half-written
 * database, so it starts empty rather than half-imported.
 */
public final class Launcher {
  /**
   * The Content-Security-Policy of Browser's pages: everything from this server, Bolt (WebSocket) and HTTP to
   * loopback only (this instance, a guide server on localhost), fonts from Browser's own assets (no Google Fonts),
   * no third-party script (no Segment, no Canny). Inline styles are Browser's own; it needs no inline or eval
   * script, and its editor's worker is a file of its own.
   */
  static final String BROWSER_CSP = String.join("; ",
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self' ws://127.0.0.1:* ws://localhost:* http://127.0.0.1:* http://localhost:*",
      "worker-src 'self' blob:",
      "frame-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'");

  public static void main(String[] args) {
    if (args.length != 5) {
      System.err.println("FAILED usage: Launcher HOME_DIR PORT HTTP_PORT PAGECACHE_MB TX_MEMORY_MB");
      System.exit(2);
    }
    String password = System.getenv("DKG_NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("FAILED DKG_NEO4J_PASSWORD must be set (8 characters or more)");
      System.exit(2);
    }
    String token = System.getenv().getOrDefault("DKG_NEO4J_RUN_TOKEN", "-");
    var dbmsRef = new AtomicReference<DatabaseManagementService>();
    ServerSocket control = null;
    Config controlConfig = null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      var dbms = dbmsRef.getAndSet(null);
      if (dbms != null) {
        dbms.shutdown();
      }
    }, "neo4j-shutdown"));
    try {
      var home = Paths.get(args[0]).toAbsolutePath();
      int port = Integer.parseInt(args[1]);
      int httpPort = Integer.parseInt(args[2]);
      long pageCacheMb = Long.parseLong(args[3]);
      long txMemoryMb = Long.parseLong(args[4]);
      recoverInterruptedImport(home);
      var config = new Config(home, port, httpPort, pageCacheMb, txMemoryMb);
      dbmsRef.set(config.build());
      setPassword(dbmsRef.get(), password);
      String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
      control = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
      System.out.println("CONTROL " + control.getLocalPort() + " " + token);
      System.out.println("READY " + version + " " + token);
      System.out.flush();
      controlConfig = config;
    } catch (Throwable failure) {
      // Without this the main thread would die while the DBMS threads keep the JVM alive and never serve.
      System.out.println("FAILED " + failure);
      failure.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
    }
    serveControl(control, controlConfig, dbmsRef, password);
  }

  /** The settings of this run's DBMS, so that it can be built again after an import. */
  record Config(Path home, int port, int httpPort, long pageCacheMb, long txMemoryMb) {
    DatabaseManagementService build() throws IOException {
      var importDir = Files.createDirectories(home.resolve("import"));
      boolean allowUrls = "true".equals(System.getenv("DKG_NEO4J_ALLOW_URL_IMPORT"));
      List<IPAddressString> blocked =
          allowUrls ? List.of() : List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0"));
      return new DatabaseManagementServiceBuilder(home)
          .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir)
          .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist, blocked)
          .setConfig(BoltConnector.enabled, true)
          .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
          .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
          // Bolt's shutdown waits 5 s for its thread pool and 5 s of network quiet by default: 10 s of every stop
          // and of every import's DBMS rebuild. Open transactions are still waited for by the DBMS itself.
          .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(100))
          .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
          .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
          .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
          .setConfig(HttpConnector.enabled, httpPort > 0)
          .setConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", Math.max(httpPort, 1)))
          .setConfig(HttpConnector.advertised_address, new SocketAddress("127.0.0.1", Math.max(httpPort, 1)))
          .setConfig(HttpsConnector.enabled, false)
          .setConfig(ServerSettings.allow_telemetry, false)
          .setConfig(ServerSettings.browser_remote_content_hostname_whitelist, "localhost,127.0.0.1")
          .setConfig(ServerSettings.http_static_content_security_policy, BROWSER_CSP)
          .setConfig(GraphDatabaseSettings.auth_enabled, true)
          .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMb * 1024 * 1024)
          .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemoryMb * 1024 * 1024)
          // And so may one transaction: a runaway query fails alone (MemoryLimitExceeded) instead of filling the
          // heap (the JVM exits); a quarter of the heap was too little for a batch of 10,000 DETACH DELETEs.
          .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMemoryMb * 1024 * 1024)
          .setConfig(gdsMemoryGuard())
          // A stopping database (a stop, an import) waits this long for open transactions, then ends them (10 s by
          // default): the load that asks for an import holds the load lock in one (ledger.py's load_lock).
          .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(1))
          .build();
    }

    /** With GDS on the classpath: GDS refuses a projection or algorithm whose largest (not smallest) memory
     * estimate exceeds the free heap. Looked up by name, since GDS's classes are there only when it is loaded. */
    static Map<Setting<?>, Object> gdsMemoryGuard() {
      try {
        var settings = Class.forName("org.neo4j.gds.settings.MemoryEstimationSettings");
        return Map.of((Setting<?>) settings.getField("validate_using_max_memory_estimation").get(null), true);
      } catch (ReflectiveOperationException withoutGds) {
        return Map.of();
      }
    }
  }

  /** Answers import requests on the control port, one at a time, for as long as the JVM runs. */
  private static void serveControl(ServerSocket control, Config config,
      AtomicReference<DatabaseManagementService> dbmsRef, String password) {
    while (true) {
      try (Socket client = control.accept()) {
        client.setSoTimeout(30_000);  // the request is a few lines; the import itself runs after they are read
        var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        var out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
        if (!sameSecret(in.readLine(), password)) {
          out.println("FAILED not authorised");
          continue;
        }
        if (!"IMPORT".equals(in.readLine())) {
          out.println("FAILED unknown request");
          continue;
        }
        var files = new ArrayList<String>();
        Path bulk = config.home().resolve("bulk").normalize();
        String line;
        String refused = null;
        while ((line = in.readLine()) != null && !line.equals("END")) {
          int eq = line.indexOf('=');
          String option = eq < 0 ? line : line.substring(0, eq);
          if (eq < 0 || !(option.equals("--nodes") || option.equals("--relationships"))
              || !Paths.get(line.substring(eq + 1)).toAbsolutePath().normalize().startsWith(bulk)) {
            refused = "refused argument " + line;
          }
          files.add(line);
        }
        if (refused != null || line == null || files.isEmpty()) {
          out.println("FAILED " + (refused != null ? refused : "incomplete request"));
          continue;
        }
        client.setSoTimeout(0);
        out.println(importDatabase(config, dbmsRef, files));
      } catch (IOException | RuntimeException error) {
        System.out.println("control: " + error);
        System.out.flush();
      }
    }
  }

  private static boolean sameSecret(String given, String password) {
    return given != null && MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
  }

  /** Shuts the DBMS down, imports FILES into the neo4j database, builds the DBMS again; "OK" or "FAILED …". */
  private static synchronized String importDatabase(Config config,
      AtomicReference<DatabaseManagementService> dbmsRef, List<String> files) {
    Path home = config.home();
    Path marker = home.resolve("import.pending");
    var report = new ByteArrayOutputStream();
    String result;
    try {
      Files.writeString(marker, "an import is replacing the neo4j database\n");
      var running = dbmsRef.getAndSet(null);
      if (running != null) {
        running.shutdown();
      }
      var args = new ArrayList<>(List.of("database", "import", "full", "neo4j",
          "--overwrite-destination=true", "--id-type=string", "--array-delimiter=\u001f",
          "--multiline-fields=true", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
          "--bad-tolerance=0", "--report-file=" + home.resolve("bulk").resolve("import.report")));
      args.addAll(files);
      long started = System.nanoTime();
      int code;
      try (var stream = new PrintStream(report, true, StandardCharsets.UTF_8)) {
        code = AdminTool.execute(new ExecutionContext(home, home.resolve("conf"), stream, stream,
            new org.neo4j.io.fs.DefaultFileSystemAbstraction()), args.toArray(String[]::new));
      }
      String output = report.toString(StandardCharsets.UTF_8);
      // Prefixed, so no line of the importer's can pass for the launcher's own FAILED or READY.
      output.lines().forEach(line -> System.out.println("import: " + line));
      if (code == 0) {
        result = String.format("OK %.3f", (System.nanoTime() - started) / 1e9);
      } else {
        deleteDatabase(home);
        result = "FAILED the importer exited with " + code + ": " + lastLines(output, 8);
      }
    } catch (Throwable failure) {
      result = "FAILED " + failure;
      try {
        deleteDatabase(home);
      } catch (IOException ignored) {
        result += " (and the half-written database could not be removed: " + ignored + ")";
      }
    }
    try {
      dbmsRef.set(config.build());
      Files.deleteIfExists(marker);
    } catch (Throwable failure) {
      System.out.println("FAILED the DBMS did not start again after the import: " + failure);
      System.out.flush();
      System.exit(1);
    }
    System.out.println("IMPORT " + result);
    System.out.flush();
    return result.replace('\n', ' ');
  }

  /** A start after a JVM killed mid-import finds the marker: the half-written database is removed. */
  private static void recoverInterruptedImport(Path home) throws IOException {
    Path marker = home.resolve("import.pending");
    if (Files.exists(marker)) {
      deleteDatabase(home);
      Files.delete(marker);
      System.out.println("NOTE an interrupted import was found: the neo4j database starts empty");
    }
  }

  /** Removes the neo4j database's store and transaction logs (the system database keeps users and settings). */
  private static void deleteDatabase(Path home) throws IOException {
    for (Path dir : List.of(home.resolve("data/databases/neo4j"), home.resolve("data/transactions/neo4j"))) {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  private static String lastLines(String text, int count) {
    var lines = text.strip().split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - count), lines.length));
  }

  /** Gives the built-in user our password; a restart finds it set already, which Neo4j reports as an error. */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    try {
      dbms.database("system").executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
    } catch (RuntimeException error) {
      String message = String.valueOf(error.getMessage());
      if (!message.contains("Old password and new password cannot be the same")) {
        throw error;
      }
    }
  }
}
