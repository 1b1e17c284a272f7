package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.Ledger;
import dev.caravan.testing.Cli;
import dev.caravan.testing.FakeDrive;
import dev.caravan.testing.S3TestServer;
import dev.caravan.testing.SftpTestServer;
import dev.caravan.testing.TestConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leave the process: the application runs (its own process, {@code
 * CARAVAN_LOG_LEVEL=DEBUG} with the shipped logging configuration) with known values for the SFTP
 * password, the S3 secret key, the Drive service-account key and the console token, and every path
 * is driven: deliveries that work, an SFTP login refused (a second destination with a wrong
 * password, itself a secret), Drive answering 500s, the console API, the health, metrics and
 * Jolokia endpoints, {@code caravan status --json}, {@code caravan check} and the dry run. No
 * secret appears in any log line or output.
 */
class SecretsTest {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
  Path tmp;

  @Test
  void noSecretAppearsInAnyLogOrOutput() throws Exception {
    String token = "console-token-" + java.util.UUID.randomUUID();
    String wrongPassword = "wrong-but-secret-" + java.util.UUID.randomUUID();
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    for (int i = 0; i < 3; i++) {
      Files.write(inbox.resolve("s" + i + ".dslog"), RouteAppContract.variant(700 + i));
    }
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    Path log = tmp.resolve("app.log");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (SftpTestServer sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), true);
        S3TestServer s3 = new S3TestServer(Files.createDirectories(tmp.resolve("s3")));
        var admin = s3.admin("logs");
        FakeDrive drive = new FakeDrive()) {
      admin.client().createBucket(b -> b.bucket("logs"));
      var folder = drive.folder("Robot logs", null);
      drive.file("d.dslog", folder.id, RouteAppContract.variant(750));
      drive.fail(FakeDrive.listing(), 500, "backend error", null, 3);
      Path key = tmp.resolve("drive-key.json");
      Map<String, String> driveConfig = TestConfig.drive(drive, key); // writes the key file
      String pem =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(key.toFile())
              .get("private_key")
              .asText();
      String keyBody = pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
      List<String> secrets =
          List.of(
              SftpTestServer.PASSWORD,
              S3TestServer.SECRET_KEY,
              token,
              wrongPassword,
              // any 40 characters of the private key, from its start, middle and end
              keyBody.substring(0, 40),
              keyBody.substring(keyBody.length() / 2, keyBody.length() / 2 + 40),
              keyBody.substring(keyBody.length() - 40));

      Map<String, String> config = new TreeMap<>();
      config.put("caravan.archive", tmp.resolve("archive").toString());
      config.put("caravan.data", tmp.resolve("data").toString());
      config.put("caravan.destinations", "archive,sftp,s3,backup");
      config.putAll(TestConfig.sftp("sftp", sftp, "upload"));
      config.putAll(TestConfig.sftp("backup", sftp, "backup"));
      config.putAll(TestConfig.s3(s3.endpoint(), "logs"));
      config.putAll(driveConfig);
      // not in the file: the secrets come from the environment, as an operator gives them
      config.remove("caravan.sftp.password");
      config.remove("caravan.backup.password");
      config.remove("caravan.s3.secret-key");
      // the secrets as an operator gives them: environment variables (or secret files)
      Map<String, String> secretEnv =
          Map.of(
              "CARAVAN_SFTP_PASSWORD",
              SftpTestServer.PASSWORD,
              "CARAVAN_BACKUP_PASSWORD",
              wrongPassword,
              "CARAVAN_S3_SECRET_KEY",
              S3TestServer.SECRET_KEY,
              "CARAVAN_CONSOLE_TOKEN",
              token);
      Map<String, String> env = new TreeMap<>(secretEnv);
      env.putAll(TestConfig.env(config));
      // DEBUG as an operator turns it on, with the shipped logging configuration
      env.put("CARAVAN_LOG_LEVEL", "DEBUG");
      env.put("CAMEL_SERVER_ENABLED", "true");
      env.put("CARAVAN_METRICS_REFRESH", "500");
      env.put("CAMEL_MANAGEMENT_ENABLED", "true");
      // a camel.* key from the environment, as any other (it was ignored for the HTTP port)
      env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(port));
      // the backup destination: the SFTP template under its own name, in this test's own routes
      // folder
      Path routes = Files.createDirectories(tmp.resolve("routes"));
      try (var files = Files.list(Path.of("routes"))) {
        for (Path p : files.toList()) {
          Files.copy(p, routes.resolve(p.getFileName()));
        }
      }
      Files.writeString(
          routes.resolve("deliver-backup.camel.yaml"),
          AppHarness.destinationRoute("sftp", "backup"));

      List<String> outputs = new ArrayList<>();
      Process app = dev.caravan.testing.ChildApp.start(tmp, log, env, List.of(), routes);
      try {
        String url = Ledger.url(null, tmp.resolve("data"));
        await(
            Duration.ofSeconds(90),
            "the ledger",
            () -> Files.exists(tmp.resolve("data/ledger.mv.db")));
        Thread.sleep(1000);
        try (Ledger ledger = Ledger.open(url, "sa", "")) {
          await(
              Duration.ofSeconds(90),
              "deliveries verified, the backup refused",
              () ->
                  ledger.files().size() == 4
                      && ledger.deliveries().stream()
                              .filter(d -> d.state() == DeliveryState.VERIFIED)
                              .count()
                          == 3L * 2 * 4
                      && ledger.deliveries().stream()
                          .anyMatch(
                              d ->
                                  d.destination().equals("backup")
                                      && "auth".equals(d.errorClass())));
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        // Caravan's own figures are published at the first refresh of the metrics
        await(
            Duration.ofSeconds(30),
            "Caravan's figures in the metrics",
            () -> {
              try {
                return http.send(
                        HttpRequest.newBuilder(URI.create(base + "/observe/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("caravan_deliveries");
              } catch (Exception e) {
                return false;
              }
            });
        for (String path :
            List.of(
                "/observe/health",
                "/observe/metrics",
                "/api/status",
                "/api/files?limit=100",
                "/api/events?backlog=500",
                "/observe/jolokia/search/org.apache.camel:*",
                "/observe/jolokia/read/org.apache.camel:context=caravan,type=endpoints,*",
                "/observe/jolokia/read/org.apache.camel:context=caravan,type=context,*")) {
          HttpRequest.Builder request =
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(10));
          if (path.startsWith("/api/events")) {
            // a stream: what it sends in two seconds
            var response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()).body();
            byte[] buffer = new byte[1 << 20];
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            StringBuilder got = new StringBuilder();
            while (System.nanoTime() < end && response.available() >= 0) {
              int n = response.available() > 0 ? response.read(buffer) : 0;
              if (n > 0) {
                got.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
              } else {
                Thread.sleep(50);
              }
            }
            response.close();
            outputs.add(path + "\n" + got);
          } else {
            HttpResponse<String> r =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            outputs.add(path + " " + r.statusCode() + "\n" + r.body());
          }
        }
        Path properties = tmp.resolve("cli.properties");
        Files.writeString(properties, TestConfig.properties(config));
        // exit 1: the backup's deliveries are quarantined (its login is refused)
        outputs.add(Cli.run(1, "status", "--json", "--config", properties.toString()));
        outputs.add(Cli.run(1, "status", "--config", properties.toString()));
      } finally {
        app.destroy();
        app.waitFor(60, TimeUnit.SECONDS);
        app.destroyForcibly();
      }
      String all = Files.readString(log) + String.join("\n", outputs);
      assertThat(Files.readString(log))
          .as("DEBUG logging was on, and the paths ran")
          .contains(" DEBUG ")
          .contains("Auth fail")
          .contains("500");
      assertThat(String.join("\n", outputs))
          .as("the outputs were read")
          .contains("/observe/metrics 200")
          .contains("/api/status 200")
          .contains("/observe/jolokia/read/org.apache.camel:context=caravan,type=endpoints,* 200")
          .contains("caravan_deliveries");
      for (String secret : secrets) {
        assertThat(all).as("a secret in the logs or outputs").doesNotContain(secret);
      }
    }
  }
}
