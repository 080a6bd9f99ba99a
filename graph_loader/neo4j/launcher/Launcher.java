import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs an embedded Neo4j Community DBMS with Bolt on 127.0.0.1 only.
 *
 * Arguments: HOME_DIR PORT PAGECACHE_MB TX_MEMORY_MB. The password is read from the environment variable
 * DKG_NEO4J_PASSWORD (never from the command line, which other users can read in the process table).
 * Prints "READY <version>" once Bolt accepts connections; shuts down cleanly on SIGTERM.
 */
public final class Launcher {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: Launcher HOME_DIR PORT PAGECACHE_MB TX_MEMORY_MB");
      System.exit(2);
    }
    var home = Paths.get(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCacheMb = Long.parseLong(args[2]);
    long txMemoryMb = Long.parseLong(args[3]);
    String password = System.getenv("DKG_NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("DKG_NEO4J_PASSWORD must be set (8 characters or more)");
      System.exit(2);
    }
    Files.createDirectories(home);
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(HttpConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMb * 1024 * 1024)
        .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemoryMb * 1024 * 1024)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
    // The built-in user starts with a random password; set ours so the driver can authenticate.
    dbms.database("system").executeTransactionally(
        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
    String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
    System.out.println("READY " + version);
    System.out.flush();
    Thread.currentThread().join();
  }
}
