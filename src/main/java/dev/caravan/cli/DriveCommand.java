package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.app.Settings;
import dev.caravan.intake.drive.DriveClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan drive login}: stores a Drive refresh token for a headless machine. */
@Command(
    name = "drive",
    mixinStandardHelpOptions = true,
    description = "Google Drive intake set-up.",
    subcommands = {DriveCommand.Login.class})
public final class DriveCommand implements Runnable {

  @Override
  public void run() {
    System.err.println("usage: caravan drive login --client-id ID --client-secret SECRET");
  }

  /**
   * The OAuth installed-app flow, once, from any browser: prints the URL to open; the code comes
   * back to a listener on 127.0.0.1 (same machine, or an SSH tunnel) or is pasted in. The refresh
   * token goes to a JSON file readable by its owner only (0600), never to the screen or the log.
   * Scope: read-only.
   */
  @Command(
      name = "login",
      mixinStandardHelpOptions = true,
      description = {
        "Authorize Caravan to read your Drive (read-only) and store the refresh token.",
        "Open the printed URL in any browser. If the browser is on another machine, copy the"
            + " address it ends on (http://127.0.0.1:PORT/?code=...) and paste it here."
      })
  static final class Login implements Callable<Integer> {

    @Option(
        names = "--client-id",
        paramLabel = "ID",
        description = "The OAuth client (type Desktop app) from the Google Cloud console.")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", description = "Its secret.")
    String clientSecret;

    @Option(
        names = "--client-file",
        paramLabel = "FILE",
        description = "The client's JSON as downloaded from the console, instead of id and secret.")
    Path clientFile;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "Where to store the token (default: caravan.drive.token-file).")
    Path tokenFile;

    @Option(names = "--port", description = "Port of the 127.0.0.1 listener (default: any free).")
    int port;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
    Path config;

    @Option(names = "--auth-uri", hidden = true)
    String authUri = "https://accounts.google.com/o/oauth2/v2/auth";

    @Option(names = "--token-uri", hidden = true)
    String tokenUri = "https://oauth2.googleapis.com/token";

    @Option(names = "--timeout", description = "Seconds to wait for the code (default 600).")
    long timeoutSeconds = 600;

    @Override
    public Integer call() throws Exception {
      if (clientFile != null) {
        JsonNode c = new ObjectMapper().readTree(clientFile.toFile());
        JsonNode app = c.has("installed") ? c.get("installed") : c.path("web");
        clientId = app.path("client_id").asText(null);
        clientSecret = app.path("client_secret").asText(null);
      }
      if (clientId == null) {
        System.err.println(
            "caravan drive login: give --client-id and --client-secret, or --client-file");
        return 2;
      }
      Path target = tokenFile;
      if (target == null) {
        String configured = Settings.load(config).get("caravan.drive.token-file");
        target =
            Path.of(
                configured == null || configured.isBlank() ? "data/drive-token.json" : configured);
      }
      String state = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
      HttpServer listener = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4);
      listener.createContext(
          "/",
          x -> {
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            boolean ok = q.containsKey("code") && state.equals(q.get("state"));
            byte[] page =
                (ok
                        ? "Caravan has the code. You can close this tab."
                        : "Caravan did not get a code: "
                            + q.getOrDefault("error", "unexpected request"))
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(ok ? 200 : 400, page.length);
            try (OutputStream out = x.getResponseBody()) {
              out.write(page);
            }
            if (ok || q.containsKey("error")) {
              answer.complete(q);
            }
          });
      listener.start();
      try {
        String redirect = "http://127.0.0.1:" + listener.getAddress().getPort() + "/";
        String url =
            authUri
                + "?"
                + form(
                    Map.of(
                        "client_id",
                        clientId,
                        "redirect_uri",
                        redirect,
                        "response_type",
                        "code",
                        "scope",
                        String.join(" ", DriveClients.SCOPES),
                        "access_type",
                        "offline",
                        "prompt",
                        "consent",
                        "state",
                        state));
        System.out.println("Open this address in any browser and allow read-only access to Drive:");
        System.out.println();
        System.out.println("  " + url);
        System.out.println();
        System.out.println(
            "The browser then goes to "
                + redirect
                + "... If that page does not load (the browser"
                + " is on another machine), copy the whole address from its address bar and paste"
                + " it here, then press Enter.");
        System.out.flush();
        readPasted(answer, state);
        Map<String, String> q = answer.get(timeoutSeconds, TimeUnit.SECONDS);
        if (q.containsKey("error")) {
          System.err.println(
              "caravan drive login: Google answered " + q.get("error") + "; nothing stored");
          return 1;
        }
        String refresh = exchange(q.get("code"), redirect);
        if (refresh == null) {
          return 1;
        }
        store(target, refresh);
        System.out.println(
            "Stored the refresh token in " + target.toAbsolutePath() + " (readable by you only).");
        System.out.println(
            "Now set caravan.drive.enabled=true and caravan.drive.folder-id (or -name), and start"
                + " Caravan.");
        return 0;
      } catch (java.util.concurrent.TimeoutException e) {
        System.err.println(
            "caravan drive login: no code within " + timeoutSeconds + " s; nothing stored");
        return 1;
      } finally {
        listener.stop(0);
      }
    }

    /** A line on standard input: the address the browser ended on, or the code alone. */
    private static void readPasted(CompletableFuture<Map<String, String>> answer, String state) {
      Thread t =
          new Thread(
              () -> {
                try {
                  BufferedReader r =
                      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                  for (String line; (line = r.readLine()) != null && !answer.isDone(); ) {
                    line = line.trim();
                    if (line.isEmpty()) {
                      continue;
                    }
                    int qm = line.indexOf('?');
                    Map<String, String> q =
                        qm >= 0 ? query(line.substring(qm + 1)) : Map.of("code", line);
                    if (q.containsKey("state") && !state.equals(q.get("state"))) {
                      System.err.println(
                          "That address is from another login attempt; paste the newest one.");
                      continue;
                    }
                    if (q.containsKey("code") || q.containsKey("error")) {
                      answer.complete(q);
                    }
                  }
                } catch (IOException e) {
                  // no console: the listener alone will do
                }
              },
              "drive-login-stdin");
      t.setDaemon(true);
      t.start();
    }

    /** Trades the code for tokens; returns the refresh token, or null after saying why. */
    private String exchange(String code, String redirect) throws IOException, InterruptedException {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("grant_type", "authorization_code");
      body.put("code", code);
      body.put("client_id", clientId);
      if (clientSecret != null) {
        body.put("client_secret", clientSecret);
      }
      body.put("redirect_uri", redirect);
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(30))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(tokenUri))
                      .timeout(Duration.ofSeconds(60))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(HttpRequest.BodyPublishers.ofString(form(body)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode json = new ObjectMapper().readTree(r.body());
      if (r.statusCode() != 200) {
        System.err.println(
            "caravan drive login: the token endpoint refused the code: HTTP "
                + r.statusCode()
                + " "
                + json.path("error").asText("")
                + " "
                + json.path("error_description").asText(""));
        return null;
      }
      String refresh = json.path("refresh_token").asText(null);
      if (refresh == null) {
        System.err.println(
            "caravan drive login: Google sent no refresh token. Remove Caravan's access at"
                + " https://myaccount.google.com/permissions and log in again.");
      }
      return refresh;
    }

    /** Written under a temporary name with mode 0600 from the start, then renamed. */
    private void store(Path target, String refresh) throws IOException {
      Map<String, String> token = new LinkedHashMap<>();
      token.put("type", "authorized_user");
      token.put("client_id", clientId);
      token.put("client_secret", clientSecret == null ? "" : clientSecret);
      token.put("refresh_token", refresh);
      token.put("token_uri", tokenUri);
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp =
          Files.createTempFile(
              dir,
              "." + target.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(
            temp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(token));
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }

    private static String form(Map<String, String> m) {
      return m.entrySet().stream()
          .map(
              e ->
                  URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                      + "="
                      + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String raw) {
      Map<String, String> m = new LinkedHashMap<>();
      if (raw == null) {
        return m;
      }
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          m.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return m;
    }
  }
}
