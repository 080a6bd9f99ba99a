import inet.ipaddr.IPAddressString;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.dbms.database.DatabaseContext;
import org.neo4j.dbms.database.DatabaseContextProvider;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.kernel.database.AbstractDatabase;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
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
 * <p>The control port. Before READY it prints "CONTROL <port> <run token>", a port on 127.0.0.1 served by a thread
 * per connection (at most {@link #MAX_CLIENTS} at once), so no client can hold it for another. A client has
 * {@link #AUTH_SECONDS} s to authenticate, and every line it sends is bounded ({@link #SECRET_MAX} bytes before it
 * is authenticated, {@link #LINE_MAX} after), so a slow or endless line costs nothing. The conversation:
 * <ul>
 *   <li>"HELLO <nonce>" (optional, first): the reply "PROOF <mac> <bolt port> <http port> <state>", where mac is
 *       HMAC-SHA256 keyed with the run token of "dkg-proof <nonce> <bolt port> <http port> <state>" and state is
 *       "serving" or "importing". The token is known only to whoever started this run (the pid file and the log
 *       are readable by their owner only), so a client that checks the mac knows, before it sends any credential,
 *       that this JVM answers and that the Bolt port is this JVM's: it never lets that port go.</li>
 *   <li>the instance's password, alone on its line, before any request; a wrong one is answered "FAILED not
 *       authorised" and nothing more is read.</li>
 *   <li>"IMPORT": one import, a unit that either completes whole or leaves the database empty, as before it.</li>
 * </ul>
 *
 * <p>An import. Neo4j's importer ({@code neo4j-admin database import full neo4j --overwrite-destination}) replaces
 * a store; here it only ever builds the empty neo4j database of this DBMS, which keeps running (Bolt and HTTP stay
 * bound, the system database answers) while only the neo4j database is stopped for the store swap:
 * <ol>
 *   <li>"IMPORT": writes to the neo4j database are refused from now on ({@link WriteGuard}: a transaction that
 *       writes fails at commit with "an import is running"), except those carrying the transaction metadata
 *       {@code dkg_import=<key>} of this import; the database must then be empty (else "FAILED not-empty");
 *       a fresh staging folder HOME_DIR/bulk/import-* (mode 0700) is made, and the importer's child JVM starts, to
 *       boot while the files are written; the reply is "STAGE <folder> <key>".</li>
 *   <li>the client writes the importer's CSV files into that folder and names them, one a line, "NODES <name>" or
 *       "RELATIONSHIPS <name>" (plain names: letters, digits, '_', '-', ending ".csv"), then "RUN". The folder must
 *       hold exactly those files, each a regular file with one link: no path, list, label prefix, symbolic or hard
 *       link can bring another file in.</li>
 *   <li>"RUN": the neo4j database is stopped; it must not have committed anything since it was found empty;
 *       HOME_DIR/import.pending is written; the importer gets the files (its files and memory are its own, and it
 *       can be stopped: a disk that stays full stops it); the database is started on the new store.
 *       The reply is "IMPORTED <seconds>", or "FAILED <reason>" with the database empty again.</li>
 *   <li>the client writes the schema and the ledger over Bolt, with the import's key as transaction metadata, then
 *       sends "COMMIT": the marker is removed, writes are allowed again, the reply is "OK".</li>
 * </ol>
 * Until COMMIT the import is not done: a client that goes away first has it undone (the database stopped, emptied
 * and started again), and a JVM killed at any moment leaves the marker, so the next start drops the store and
 * starts empty. The staging folder is removed whatever happens.
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

  /** Connections the control port serves at once; more are closed at once. */
  static final int MAX_CLIENTS = 16;
  /** Seconds a client has to prove itself (HELLO and the password) from its connection. */
  static final int AUTH_SECONDS = 5;
  /** Bytes of a line before the client is authenticated (HELLO, the password) and after. */
  static final int SECRET_MAX = 512;
  static final int LINE_MAX = 4096;
  /** Seconds an authenticated client may take for its request line, and to stage files or write the ledger. */
  static final int REQUEST_SECONDS = 30;
  static final int STAGING_SECONDS = 6 * 3600;
  /** Files one import may name. */
  static final int MAX_FILES = 10_000;
  /** A file name the importer gets: no path, no list (','), no label prefix ('='). */
  static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,120}\\.csv");
  /** Below this many free bytes on the home folder's disk while the importer runs, the disk counts as full. */
  static final long FULL_BELOW_BYTES = 1L << 20;
  /** Seconds the disk may stay full before the importer is stopped (it would retry its writes for ever). */
  static final int FULL_FOR_SECONDS = 3;
  /** The transaction metadata key that lets the importing client write during its import. */
  static final String IMPORT_METADATA = "dkg_import";
  /** The system property that marks the importer's child JVM as this home folder's (found again after a crash). */
  static final String IMPORTER_MARK = "-Ddkg.importer.home=";

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
    var importerRef = new AtomicReference<Importer>();
    ServerSocket control = null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      var importer = importerRef.get();
      if (importer != null) {
        importer.stopChild();
      }
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
      var guard = new WriteGuard();
      dbmsRef.get().registerTransactionEventListener(GraphDatabaseSettings.DEFAULT_DATABASE_NAME, guard);
      importerRef.set(new Importer(home, dbmsRef.get(), guard));
      String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();
      control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      System.out.println("CONTROL " + control.getLocalPort() + " " + token);
      System.out.println("READY " + version + " " + token);
      System.out.flush();
    } catch (Throwable failure) {
      // Without this the main thread would die while the DBMS threads keep the JVM alive and never serve.
      System.out.println("FAILED " + failure);
      failure.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
    }
    new ControlPort(control, importerRef.get(), password, token, Integer.parseInt(args[1]),
        Integer.parseInt(args[2])).serve();
  }

  /** The settings of this run's DBMS. */
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
          // Bolt's shutdown waits 5 s for its thread pool and 5 s of network quiet by default: 10 s of every stop.
          // Open transactions are still waited for by the DBMS itself.
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
          // default). The load that asks for an import ends its load lock's transaction before RUN: one still open
          // when the store is replaced gives its node id to the new store as it ends (ledger.py's load_lock).
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

  /** The control port: a thread per connection, bounded lines and time, the secret before anything else. */
  static final class ControlPort {
    private final ServerSocket server;
    private final Importer importer;
    private final byte[] password;
    private final byte[] token;
    private final int port;
    private final int httpPort;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);

    ControlPort(ServerSocket server, Importer importer, String password, String token, int port, int httpPort) {
      this.server = server;
      this.importer = importer;
      this.password = password.getBytes(StandardCharsets.UTF_8);
      this.token = token.getBytes(StandardCharsets.UTF_8);
      this.port = port;
      this.httpPort = httpPort;
    }

    void serve() {
      while (true) {
        Socket client;
        try {
          client = server.accept();
        } catch (IOException error) {
          log("control: " + error);
          continue;
        }
        if (!slots.tryAcquire()) {
          close(client);  // a flood of connections: the newest wait for nobody
          continue;
        }
        var thread = new Thread(() -> {
          try {
            converse(client);
          } finally {
            close(client);
            slots.release();
          }
        }, "dkg-control");
        thread.setDaemon(true);
        thread.start();
      }
    }

    private void converse(Socket client) {
      try {
        var in = new LineReader(client);
        var out = new PrintWriter(new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8), true);
        long proveBy = deadline(AUTH_SECONDS);
        String line = in.readLine(SECRET_MAX, proveBy);
        if (line != null && line.startsWith("HELLO ")) {
          out.println(proof(line.substring("HELLO ".length())));
          line = in.readLine(SECRET_MAX, proveBy);
        }
        if (line == null) {
          return;
        }
        if (!MessageDigest.isEqual(line.getBytes(StandardCharsets.UTF_8), password)) {
          out.println("FAILED not authorised");
          return;
        }
        String request = in.readLine(LINE_MAX, deadline(REQUEST_SECONDS));
        if ("IMPORT".equals(request)) {
          importer.session(in, out);
        } else if (request != null) {
          out.println("FAILED unknown request");
        }
      } catch (IOException | RuntimeException error) {
        log("control: " + error.getMessage());
      }
    }

    /** "PROOF <mac> <bolt port> <http port> <state>" for a nonce of 16 to 128 hex digits. */
    private String proof(String nonce) {
      if (!nonce.matches("[0-9a-f]{16,128}")) {
        return "FAILED the nonce must be 16 to 128 hex digits";
      }
      String body = port + " " + httpPort + " " + importer.state();
      try {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token, "HmacSHA256"));
        byte[] digest = mac.doFinal(("dkg-proof " + nonce + " " + body).getBytes(StandardCharsets.UTF_8));
        return "PROOF " + HexFormat.of().formatHex(digest) + " " + body;
      } catch (java.security.GeneralSecurityException error) {
        return "FAILED " + error;
      }
    }
  }

  /** Lines read with a bound on their length and a deadline for each, so no client can hold a thread or memory. */
  static final class LineReader {
    private final Socket socket;
    private final InputStream in;

    LineReader(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** The next line (without its newline), or null at the end of the stream; an IOException past the bound. */
    String readLine(int max, long deadlineNanos) throws IOException {
      var line = new ByteArrayOutputStream();
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) {
          throw new SocketTimeoutException("the client was too slow");
        }
        socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
        int b = in.read();
        if (b < 0) {
          return null;
        }
        if (b == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        if (line.size() >= max) {
          throw new IOException("a line longer than " + max + " bytes");
        }
        line.write(b);
      }
    }
  }

  /**
   * Refuses every transaction that writes to the neo4j database while an import holds it, unless it carries the
   * import's key as metadata; counts the commits, so an import can tell that nothing changed after its check.
   */
  static final class WriteGuard implements TransactionEventListener<Object> {
    static final String REFUSED = "an import is running: Neo4j's bulk importer is building the neo4j database, "
        + "so no write can be committed until it has finished; nothing of this transaction was written";
    private volatile String key;
    private final AtomicInteger committing = new AtomicInteger();
    private final AtomicLong commits = new AtomicLong();

    @Override
    public Object beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService database) {
      String holder = key;
      if (holder != null && !holder.equals(data.metaData().get(IMPORT_METADATA))) {
        throw new IllegalStateException(REFUSED);
      }
      committing.incrementAndGet();
      return Boolean.TRUE;
    }

    @Override
    public void afterCommit(TransactionData data, Object state, GraphDatabaseService database) {
      commits.incrementAndGet();
      if (state != null) {
        committing.decrementAndGet();
      }
    }

    @Override
    public void afterRollback(TransactionData data, Object state, GraphDatabaseService database) {
      if (state != null) {
        committing.decrementAndGet();
      }
    }

    /** Refuse writes from now on; wait for those past their check to commit; false when they did not in time. */
    boolean hold(String importKey, Duration wait) throws InterruptedException {
      key = importKey;
      long until = System.nanoTime() + wait.toNanos();
      while (committing.get() > 0) {
        if (System.nanoTime() > until) {
          return false;
        }
        Thread.sleep(10);
      }
      return true;
    }

    void release() {
      key = null;
    }

    long commits() {
      return commits.get();
    }
  }

  /** Imports into the neo4j database, one at a time (see the class comment). */
  static final class Importer {
    private final Path home;
    private final DatabaseManagementService dbms;
    private final WriteGuard guard;
    private final ReentrantLock lock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private volatile ImporterProcess child;

    Importer(Path home, DatabaseManagementService dbms, WriteGuard guard) {
      this.home = home;
      this.dbms = dbms;
      this.guard = guard;
    }

    /** "importing" from an IMPORT until its COMMIT or undoing; "serving" otherwise. */
    String state() {
      return lock.isLocked() ? "importing" : "serving";
    }

    /** Stops a running importer (the JVM is shutting down: a child must not outlive it). */
    void stopChild() {
      var running = child;
      if (running != null) {
        running.stop();
      }
    }

    /** What one import has done so far, so that the end of a session knows what to undo. */
    private static final class Run {
      Path staging;
      AbstractDatabase database;
      boolean stopped;   // the neo4j database is stopped by this import
      boolean replaced;  // its store may have been replaced: undone unless committed
      boolean committed;
      ImporterProcess importer;  // started with the staging, so that it boots while the files are written
    }

    /** One import, from "IMPORT" to "COMMIT"; the reply to a failure is sent once the database is as before. */
    void session(LineReader in, PrintWriter out) {
      if (!lock.tryLock()) {
        out.println("FAILED busy: an import is running");
        return;
      }
      var run = new Run();
      String reply;
      try {
        reply = attempt(run, in, out);
      } catch (Throwable failure) {
        note("failed: " + failure);
        reply = "FAILED " + oneLine(String.valueOf(failure));
      }
      try {
        if (run.importer != null) {
          run.importer.stop();
        }
        child = null;
        deleteTree(run.staging);  // first: on a full disk its files are part of what fills it
        if (run.replaced && !run.committed) {
          reply = undo(run, reply);
        } else if (run.stopped) {
          run.database.start();
        }
      } catch (Throwable fatal) {
        out.println("FAILED the neo4j database could not be started again: " + oneLine(String.valueOf(fatal)));
        System.out.println("FAILED the neo4j database could not be started again after an import: " + fatal);
        System.out.flush();
        System.exit(1);
      } finally {
        guard.release();
        lock.unlock();
      }
      if (reply != null) {
        out.println(reply);
      }
    }

    /** The import's steps; returns the reply to a failure, or null once committed or abandoned by the client. */
    private String attempt(Run run, LineReader in, PrintWriter out) throws Exception {
      String key = HexFormat.of().formatHex(randomBytes());
      if (!guard.hold(key, Duration.ofSeconds(30))) {
        return "FAILED busy: a write transaction did not finish within 30 s";
      }
      long commits = guard.commits();
      if (nodeCount() > 0) {
        return "FAILED not-empty: the neo4j database holds data";
      }
      if (home.toString().contains(",") || home.toString().contains("=")) {
        return "FAILED the data folder " + home + " holds ',' or '=', which Neo4j's importer reads as a list or "
            + "a label: use a data folder without them";
      }
      Path bulk = Files.createDirectories(home.resolve("bulk"));
      run.staging = Files.createTempDirectory(bulk, "import-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      note("staging in " + run.staging);
      run.importer = ImporterProcess.start(home, run.staging);
      child = run.importer;
      out.println("STAGE " + run.staging + " " + key);
      List<String> files;
      try {
        files = stagedFiles(in, run.staging);
      } catch (Refused refused) {
        return "FAILED refused " + refused.getMessage();
      }
      if (files == null) {
        note("abandoned by its client while it staged its files");
        return null;
      }
      run.database = neo4jDatabase();
      note("stopping the neo4j database");
      run.database.stop();
      run.stopped = true;
      if (guard.commits() != commits) {
        return "FAILED changed: the neo4j database committed a write after it was found empty";
      }
      writeMarker();
      run.replaced = true;
      long started = System.nanoTime();
      String failure = run.importer.run(files);
      if (failure != null) {
        return "FAILED " + failure;
      }
      note("starting the neo4j database");
      run.database.start();
      run.stopped = false;
      out.printf("IMPORTED %.3f%n", (System.nanoTime() - started) / 1e9);
      String line = in.readLine(LINE_MAX, deadline(STAGING_SECONDS));
      if (!"COMMIT".equals(line)) {
        note("abandoned by its client before COMMIT: the neo4j database is emptied again");
        return null;
      }
      Files.deleteIfExists(home.resolve(MARKER));
      run.committed = true;
      note("committed");
      return "OK";
    }

    private byte[] randomBytes() {
      var bytes = new byte[16];
      random.nextBytes(bytes);
      return bytes;
    }

    /** The database emptied and started again, the marker removed; the reply says so (or that it cannot start). */
    private String undo(Run run, String reply) throws IOException {
      var database = run.database != null ? run.database : neo4jDatabase();
      if (database.isStarted()) {
        database.stop();
      }
      deleteDatabase(home);
      long free = usableSpace(home);
      if (free < MIN_START_BYTES) {
        // A fresh store could not be written: Neo4j's page cache would retry its flush for ever.
        String full = diskFull(free) + "; the neo4j database cannot start again, so Neo4j stops: free some space, "
            + "then start it again (it starts empty)";
        throw new IOException(reply == null ? full : reply.replaceFirst("^FAILED ", "") + "; " + full);
      }
      database.start();
      Files.deleteIfExists(home.resolve(MARKER));
      note("undone: the neo4j database is empty");
      return reply;
    }

    /** The importer's arguments for the files named before "RUN"; null when the client went away. */
    private List<String> stagedFiles(LineReader in, Path staging) throws IOException, Refused {
      var arguments = new ArrayList<String>();
      var names = new HashSet<String>();
      long until = deadline(STAGING_SECONDS);
      boolean nodes = false;
      while (true) {
        String line = in.readLine(LINE_MAX, until);
        if (line == null) {
          return null;
        }
        if (line.equals("RUN")) {
          break;
        }
        int space = line.indexOf(' ');
        String kind = space < 0 ? line : line.substring(0, space);
        String name = space < 0 ? "" : line.substring(space + 1);
        String option = kind.equals("NODES") ? "--nodes=" : kind.equals("RELATIONSHIPS") ? "--relationships=" : null;
        String why = option == null ? "expected NODES <file>, RELATIONSHIPS <file> or RUN"
            : names.size() >= MAX_FILES ? "more than " + MAX_FILES + " files"
            : names.contains(name) ? "a file named twice"
            : refusal(staging, name);
        if (why != null) {
          throw new Refused(line + ": " + why);
        }
        names.add(name);
        nodes |= kind.equals("NODES");
        arguments.add(option + staging.resolve(name));
      }
      if (!nodes) {
        throw new Refused("the request names no NODES file");
      }
      // The importer reads each name as a pattern within its folder: nothing else may be there to match it.
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
        for (Path entry : entries) {
          if (!names.contains(entry.getFileName().toString())) {
            throw new Refused(entry.getFileName() + ": in the staging folder but not named by the request");
          }
        }
      }
      return arguments;
    }

    /** Why ``name`` cannot be imported, or null: a plain name of a regular file with one link, in ``staging``. */
    private static String refusal(Path staging, String name) throws IOException {
      if (!FILE_NAME.matcher(name).matches()) {
        return "a file is a plain name ending in .csv (letters, digits, '_' and '-'): no folder, list or label";
      }
      Path file = staging.resolve(name);
      try {
        var attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
          return "not a regular file (a link or a folder)";
        }
        if (((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() != 1) {
          return "a hard link to another file";
        }
      } catch (NoSuchFileException missing) {
        return "no such file in the staging folder";
      }
      return null;
    }

    private String diskFull(long free) {
      return Launcher.diskFull(home, free);
    }

    private long nodeCount() {
      return dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally(
          "MATCH (n) RETURN count(n) AS c", Map.of(), result -> ((Number) result.next().get("c")).longValue());
    }

    /** The kernel's neo4j database, which Community can stop and start while the DBMS keeps serving. */
    private AbstractDatabase neo4jDatabase() {
      var system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
      DatabaseContextProvider<?> contexts = system.getDependencyResolver().resolveDependency(
          DatabaseContextProvider.class);
      DatabaseContext context = contexts.getDatabaseContext(GraphDatabaseSettings.DEFAULT_DATABASE_NAME)
          .orElseThrow();
      return context.database();
    }

    private void writeMarker() throws IOException {
      Path temporary = home.resolve(MARKER + ".tmp");
      Files.writeString(temporary, "an import is replacing the neo4j database\n");
      Files.move(temporary, home.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Neo4j's importer in a child JVM: its open files and memory are its own (a failed import in this JVM kept its
   * deleted store files open, so a full disk stayed full), and it can be stopped. It starts when an import opens,
   * boots and reads its command set while the client stages the files, then waits for their names on its standard
   * input (picocli's "@/dev/stdin"), so the JVM's start costs the import nothing.
   */
  static final class ImporterProcess {
    private final Path home;
    private final Process process;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread pump;

    private ImporterProcess(Path home, Process process) {
      this.home = home;
      this.process = process;
      this.pump = new Thread(this::copyOutput, "dkg-importer-output");
      pump.setDaemon(true);
      pump.start();
    }

    static ImporterProcess start(Path home, Path staging) throws IOException {
      var command = List.of(
          Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m", "-XX:+ExitOnOutOfMemoryError",
          "-Dfile.encoding=UTF-8", IMPORTER_MARK + home, "-cp", System.getProperty("java.class.path"),
          "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
          "--overwrite-destination=true", "--id-type=string", "--array-delimiter=\u001f",
          "--multiline-fields=true", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
          "--bad-tolerance=0", "--report-file=" + staging.resolve("import.report"), "@/dev/stdin");
      var builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("NEO4J_HOME", home.toString());
      builder.environment().put("NEO4J_CONF", Files.createDirectories(home.resolve("conf")).toString());
      return new ImporterProcess(home, builder.start());
    }

    /** Gives the importer its files and waits for it, stopping it when the disk stays full; null or the reason. */
    String run(List<String> files) throws InterruptedException {
      note("running Neo4j's importer");
      var arguments = new StringBuilder();
      for (String file : files) {  // one quoted argument a line: a path may hold spaces, quotes, backslashes
        arguments.append('"').append(file.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
      }
      try (var stdin = process.getOutputStream()) {
        stdin.write(arguments.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException gone) {
        // the importer ended before it read its files: its exit code and output say why
      }
      boolean full = false;
      long fullSince = 0;
      while (!process.waitFor(250, TimeUnit.MILLISECONDS)) {
        if (usableSpace(home) >= FULL_BELOW_BYTES) {
          fullSince = 0;
        } else if (fullSince == 0) {
          fullSince = System.nanoTime();
        } else if (System.nanoTime() - fullSince > TimeUnit.SECONDS.toNanos(FULL_FOR_SECONDS)) {
          full = true;
          note("the disk is full: stopping Neo4j's importer");
          process.destroyForcibly();
          process.waitFor();
        }
      }
      pump.join(5_000);
      String output;
      synchronized (tail) {
        output = String.join(" | ", tail);
      }
      if (full || output.contains("No space left on device")
          || (process.exitValue() != 0 && usableSpace(home) < FULL_BELOW_BYTES)) {
        return diskFull(home, usableSpace(home)) + ": Neo4j's importer was stopped and its files removed";
      }
      if (process.exitValue() != 0) {
        return "the importer exited with " + process.exitValue() + ": " + output;
      }
      return null;
    }

    void stop() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }

    private void copyOutput() {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          log("import: " + line);  // prefixed: no line of the importer's can pass for the launcher's own
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 8) {
              tail.removeFirst();
            }
          }
        }
      } catch (IOException ignored) {
        // the importer was stopped
      }
    }
  }

  private static String diskFull(Path home, long free) {
    return String.format("the disk holding %s is full (%.1f MB free)", home, free / 1e6);
  }

  /** A request that names a file the importer must not read. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** The marker file that exists while an import may have replaced the store and is not committed yet. */
  static final String MARKER = "import.pending";
  /** Free bytes a fresh, empty neo4j database needs to start. */
  static final long MIN_START_BYTES = 16L << 20;

  /**
   * A start after a JVM killed mid-import: its importer (a child that outlived it) is stopped, a marker means the
   * store may hold an import that was never committed, so it is removed; left-over staging folders go too.
   */
  private static void recoverInterruptedImport(Path home) throws IOException {
    String mark = IMPORTER_MARK + home;
    ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(mark)).orElse(false))
        .forEach(orphan -> {
          orphan.destroyForcibly();
          try {
            orphan.onExit().get(30, TimeUnit.SECONDS);
          } catch (Exception ignored) {
            // it is gone or going; the store is removed below either way
          }
          System.out.println("NOTE stopped the importer (pid " + orphan.pid() + ") of an earlier run");
        });
    Path marker = home.resolve(MARKER);
    if (Files.exists(marker)) {
      deleteDatabase(home);
      Files.delete(marker);
      System.out.println("NOTE an interrupted import was found: the neo4j database starts empty");
    }
    Path bulk = home.resolve("bulk");
    if (Files.isDirectory(bulk)) {
      try (DirectoryStream<Path> staged = Files.newDirectoryStream(bulk, "import-*")) {
        staged.forEach(Launcher::deleteTree);
      }
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

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException error) {
      log("could not remove " + dir + ": " + error);
    }
  }

  private static long usableSpace(Path path) {
    try {
      return Files.getFileStore(path).getUsableSpace();
    } catch (IOException error) {
      return Long.MAX_VALUE;  // unknown: never taken for a full disk
    }
  }

  private static long deadline(int seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  /** A step of an import, timed, in the log: "IMPORT <UTC time> <what>". */
  private static void note(String what) {
    log("IMPORT " + java.time.Instant.now() + " " + what);
  }

  private static void log(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that was left to do
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
