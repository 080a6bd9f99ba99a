import inet.ipaddr.IPAddressString;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
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
      var importDir = Files.createDirectories(home.resolve("import"));
      boolean allowUrls = "true".equals(System.getenv("DKG_NEO4J_ALLOW_URL_IMPORT"));
      List<IPAddressString> blocked =
          allowUrls ? List.of() : List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0"));
      dbmsRef.set(new DatabaseManagementServiceBuilder(home)
          .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir)
          .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist, blocked)
          .setConfig(BoltConnector.enabled, true)
          .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
          .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
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
          .build());
      setPassword(dbmsRef.get(), password);
      String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
      System.out.println("READY " + version + " " + token);
      System.out.flush();
    } catch (Throwable failure) {
      // Without this the main thread would die while the DBMS threads keep the JVM alive and never serve.
      System.out.println("FAILED " + failure);
      failure.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
    }
    try {
      Thread.currentThread().join();
    } catch (InterruptedException stopped) {
      System.exit(0);
    }
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
