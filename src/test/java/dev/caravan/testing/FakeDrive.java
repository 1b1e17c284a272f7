package dev.caravan.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful Google Drive v3 fake for the real Google client, on the JDK's HTTP server on loopback:
 * files.get (metadata and {@code alt=media}), files.list with the {@code q} forms Caravan sends,
 * pages, trashed files, shared drives, and an OAuth token endpoint that checks service-account JWTs
 * (signature against the key it issued) and refresh tokens. Faults can be queued per request. It
 * copies the real API's quirks: int64 fields are JSON strings, trashed files are listed unless the
 * query says {@code trashed = false}.
 */
public final class FakeDrive implements AutoCloseable {

  public static final String FOLDER = "application/vnd.google-apps.folder";

  /** A file or folder on the fake. */
  public static final class Item {
    public final String id;
    public volatile String name;
    public final String mimeType;
    public final List<String> parents;
    public volatile byte[] content;
    public volatile Instant modified;
    public volatile long version = 1;
    public volatile boolean trashed;
    public volatile String driveId;

    Item(String id, String name, String mimeType, String parent, byte[] content, Instant modified) {
      this.id = id;
      this.name = name;
      this.mimeType = mimeType;
      this.parents = parent == null ? List.of() : List.of(parent);
      this.content = content;
      this.modified = modified;
    }

    public String md5() {
      return FakeDrive.md5(content);
    }
  }

  public static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An injected failure: which requests, what answer, how many times. */
  public record Fault(
      Predicate<HttpExchange> when,
      int status,
      String reason,
      String retryAfter,
      AtomicInteger times) {}

  /** A request the fake answered, for assertions. */
  public record Request(
      String method, String path, Map<String, String> query, Instant at, int status) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, Item> items = new ConcurrentHashMap<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, String> codes = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final KeyPair serviceKey;

  /** Bytes of a download after which the connection is cut, once per entry (file id). */
  private final Map<String, AtomicInteger> cuts = new ConcurrentHashMap<>();

  /** Downloads of these ids answer with other bytes this many times. */
  private final Map<String, AtomicInteger> corrupt = new ConcurrentHashMap<>();

  public FakeDrive() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    serviceKey = g.generateKeyPair();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  public String rootUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public String tokenUri() {
    return rootUrl() + "token";
  }

  // --- the drive's content

  public Item folder(String name, String parent) {
    Item f = new Item(newId(), name, FOLDER, parent, new byte[0], Instant.now());
    items.put(f.id, f);
    return f;
  }

  /** A file modified now (or at {@code modified}). */
  public Item file(String name, String parent, byte[] content, Instant modified) {
    Item f = new Item(newId(), name, "application/octet-stream", parent, content, modified);
    items.put(f.id, f);
    return f;
  }

  public Item file(String name, String parent, byte[] content) {
    return file(name, parent, content, Instant.now().minusSeconds(86400));
  }

  /** A Google Doc: no bytes, no MD5; not downloadable with alt=media. */
  public Item googleDoc(String name, String parent) {
    Item f =
        new Item(
            newId(), name, "application/vnd.google-apps.document", parent, null, Instant.now());
    items.put(f.id, f);
    return f;
  }

  /** New bytes for a file: a new version, modified now. */
  public void update(Item f, byte[] content) {
    f.content = content;
    f.modified = Instant.now();
    f.version++;
  }

  private String newId() {
    return "id" + Integer.toString(1_000_000 + ids.incrementAndGet(), 36) + "x";
  }

  // --- faults

  public void fail(
      Predicate<HttpExchange> when, int status, String reason, String retryAfter, int times) {
    faults.add(new Fault(when, status, reason, retryAfter, new AtomicInteger(times)));
  }

  public static Predicate<HttpExchange> listing() {
    return x -> x.getRequestURI().getPath().equals("/drive/v3/files");
  }

  public static Predicate<HttpExchange> get(String id) {
    return x -> x.getRequestURI().getPath().endsWith("/drive/v3/files/" + id);
  }

  /** The next download of the file sends half its bytes and cuts the connection. */
  public void cutDownload(Item f, int times) {
    cuts.put(f.id, new AtomicInteger(times));
  }

  /** The next downloads of the file send other bytes than its MD5 says. */
  public void corruptDownload(Item f, int times) {
    corrupt.put(f.id, new AtomicInteger(times));
  }

  /** Every access token issued so far stops working (the client must refresh). */
  public void expireAccessTokens() {
    tokens.clear();
  }

  /** Refresh tokens are refused from now on (invalid_grant). */
  public void revokeRefreshTokens() {
    refreshTokens.clear();
  }

  public List<Request> requests() {
    return Collections.unmodifiableList(requests);
  }

  // --- credentials the fake accepts

  /** Writes a service-account key file whose token URI is this fake. */
  public Path serviceAccountKey(Path file) throws IOException {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(serviceKey.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> key = new LinkedHashMap<>();
    key.put("type", "service_account");
    key.put("project_id", "caravan-test");
    key.put("private_key_id", "k1");
    key.put("private_key", pem);
    key.put("client_email", "caravan@caravan-test.iam.gserviceaccount.com");
    key.put("client_id", "1234567890");
    key.put("token_uri", tokenUri());
    Files.writeString(file, JSON.writeValueAsString(key));
    return file;
  }

  /** An authorization code the token endpoint will exchange for a refresh token. */
  public String issueCode() {
    String code = "code-" + ids.incrementAndGet();
    codes.put(code, "refresh-" + ids.incrementAndGet());
    return code;
  }

  // --- HTTP

  private void handle(HttpExchange x) throws IOException {
    try {
      route(x);
    } catch (RuntimeException e) {
      send(x, 500, error(500, "backendError", e.toString()));
    } finally {
      x.close();
    }
  }

  /** Recorded before the answer goes out, so a client never sees an answer not yet recorded. */
  private void record(HttpExchange x, int status) {
    requests.add(
        new Request(
            x.getRequestMethod(),
            x.getRequestURI().getPath(),
            query(x.getRequestURI().getRawQuery()),
            Instant.now(),
            status));
  }

  private int route(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    if (path.startsWith("/download/")) { // the client downloads media under this prefix
      path = path.substring("/download".length());
    }
    if (path.equals("/token")) {
      return token(x);
    }
    for (Fault f : faults) {
      if (f.when().test(x) && f.times().getAndDecrement() > 0) {
        if (f.retryAfter() != null) {
          x.getResponseHeaders().add("Retry-After", f.retryAfter());
        }
        return send(x, f.status(), error(f.status(), f.reason(), "injected " + f.reason()));
      }
    }
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
      return send(x, 401, error(401, "authError", "Invalid Credentials"));
    }
    Map<String, String> q = query(x.getRequestURI().getRawQuery());
    if (path.equals("/drive/v3/files")) {
      return list(x, q);
    }
    if (path.startsWith("/drive/v3/files/")) {
      Item f = items.get(path.substring("/drive/v3/files/".length()));
      if (f == null) {
        return send(x, 404, error(404, "notFound", "File not found: " + path));
      }
      if ("media".equals(q.get("alt"))) {
        return media(x, f);
      }
      return send(x, 200, JSON.writeValueAsBytes(json(f)));
    }
    return send(x, 404, error(404, "notFound", path));
  }

  private static final Pattern IN_PARENTS = Pattern.compile("'([^']+)' in parents");
  private static final Pattern NAME_IS = Pattern.compile("name = '((?:[^'\\\\]|\\\\.)*)'");

  private int list(HttpExchange x, Map<String, String> q) throws IOException {
    String query = q.getOrDefault("q", "");
    boolean notTrashed = query.contains("trashed = false");
    Matcher parent = IN_PARENTS.matcher(query);
    Matcher name = NAME_IS.matcher(query);
    boolean foldersOnly = query.contains("mimeType = '" + FOLDER + "'");
    List<Item> all = new ArrayList<>();
    for (Item f : items.values()) {
      if (notTrashed && f.trashed) continue;
      if (parent.find(0) && !f.parents.contains(parent.group(1))) continue;
      if (name.find(0) && !f.name.equals(name.group(1).replace("\\'", "'").replace("\\\\", "\\")))
        continue;
      if (foldersOnly && !FOLDER.equals(f.mimeType)) continue;
      // a shared drive's items: only for a client that asks for them, in that drive's corpus
      if (f.driveId != null
          && !("true".equals(q.get("includeItemsFromAllDrives"))
              && (f.driveId.equals(q.get("driveId")) || "allDrives".equals(q.get("corpora")))))
        continue;
      all.add(f);
    }
    all.sort((a, b) -> a.id.compareTo(b.id));
    int size = Integer.parseInt(q.getOrDefault("pageSize", "100"));
    int from = q.containsKey("pageToken") ? Integer.parseInt(q.get("pageToken").substring(1)) : 0;
    List<Map<String, Object>> page = new ArrayList<>();
    for (Item f : all.subList(Math.min(from, all.size()), Math.min(from + size, all.size()))) {
      page.add(json(f));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "drive#fileList");
    if (from + size < all.size()) {
      body.put("nextPageToken", "p" + (from + size));
    }
    body.put("incompleteSearch", false);
    body.put("files", page);
    return send(x, 200, JSON.writeValueAsBytes(body));
  }

  private int media(HttpExchange x, Item f) throws IOException {
    if (f.content == null) {
      return send(
          x,
          403,
          error(403, "fileNotDownloadable", "Only files with binary content can be downloaded"));
    }
    byte[] body = f.content;
    AtomicInteger cut = cuts.get(f.id);
    AtomicInteger bad = corrupt.get(f.id);
    record(x, 200);
    if (cut != null && cut.get() > 0) {
      cut.decrementAndGet();
      x.sendResponseHeaders(200, body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body, 0, body.length / 2);
        out.flush();
      }
      // closing the exchange before the declared length ends the connection mid-body
      return 200;
    }
    if (bad != null && bad.getAndDecrement() > 0) {
      body = body.clone();
      body[body.length / 2] ^= 0x5A;
    }
    x.getResponseHeaders().add("Content-Type", "application/octet-stream");
    x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
    return 200;
  }

  private int token(HttpExchange x) throws IOException {
    Map<String, String> form =
        query(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String grant = form.get("grant_type");
    if ("urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant)) {
      if (!validJwt(form.get("assertion"))) {
        return send(
            x,
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"
                .getBytes(StandardCharsets.UTF_8));
      }
      return issueAccessToken(x, null);
    }
    if ("refresh_token".equals(grant)) {
      if (!refreshTokens.contains(form.get("refresh_token"))) {
        return send(
            x,
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}"
                .getBytes(StandardCharsets.UTF_8));
      }
      return issueAccessToken(x, null);
    }
    if ("authorization_code".equals(grant)) {
      String refresh = codes.remove(form.getOrDefault("code", ""));
      if (refresh == null) {
        return send(
            x,
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"Malformed auth code.\"}"
                .getBytes(StandardCharsets.UTF_8));
      }
      refreshTokens.add(refresh);
      return issueAccessToken(x, refresh);
    }
    return send(x, 400, "{\"error\":\"unsupported_grant_type\"}".getBytes(StandardCharsets.UTF_8));
  }

  private int issueAccessToken(HttpExchange x, String refresh) throws IOException {
    String token = "access-" + ids.incrementAndGet();
    tokens.add(token);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("expires_in", 3600);
    body.put("token_type", "Bearer");
    if (refresh != null) {
      body.put("refresh_token", refresh);
    }
    x.getResponseHeaders().add("Content-Type", "application/json");
    return send(x, 200, JSON.writeValueAsBytes(body));
  }

  private boolean validJwt(String jwt) {
    try {
      String[] parts = jwt.split("\\.");
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(serviceKey.getPublic());
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return s.verify(Base64.getUrlDecoder().decode(parts[2]));
    } catch (Exception e) {
      return false;
    }
  }

  private static Map<String, Object> json(Item f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "drive#file");
    m.put("id", f.id);
    m.put("name", f.name);
    m.put("mimeType", f.mimeType);
    m.put("parents", f.parents);
    m.put("trashed", f.trashed);
    m.put("modifiedTime", f.modified.toString());
    m.put("version", Long.toString(f.version)); // int64: a string, as Drive sends it
    if (f.driveId != null) {
      m.put("driveId", f.driveId);
    }
    if (f.content != null && !FOLDER.equals(f.mimeType)) {
      m.put("size", Long.toString(f.content.length));
      m.put("md5Checksum", f.md5());
    }
    return m;
  }

  private static byte[] error(int code, String reason, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", code);
    e.put("message", message);
    e.put("errors", List.of(Map.of("domain", "global", "reason", reason, "message", message)));
    try {
      return JSON.writeValueAsBytes(Map.of("error", e));
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private int send(HttpExchange x, int status, byte[] body) throws IOException {
    record(x, status);
    x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
    return status;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
