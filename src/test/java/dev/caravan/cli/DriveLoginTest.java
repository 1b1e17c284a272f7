package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.intake.drive.DriveSettings;
import dev.caravan.testing.FakeDrive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code caravan drive login} against the fake's OAuth endpoints, as a person would use it. */
class DriveLoginTest {

  @TempDir Path tmp;
  FakeDrive fake;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  PrintStream oldOut;
  InputStream oldIn;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDrive();
    oldOut = System.out;
    oldIn = System.in;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setOut(oldOut);
    System.setIn(oldIn);
    fake.close();
  }

  CompletableFuture<Integer> login(Path token) {
    return CompletableFuture.supplyAsync(
        () ->
            CaravanCommand.execute(
                "drive",
                "login",
                "--client-id",
                "client-1.apps.googleusercontent.com",
                "--client-secret",
                "shh",
                "--token-file",
                token.toString(),
                "--auth-uri",
                fake.rootUrl() + "auth",
                "--token-uri",
                fake.tokenUri(),
                "--timeout",
                "30"));
  }

  /** The URL the command printed, once it has. */
  String printedUrl() throws InterruptedException {
    Pattern url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/auth\\?\\S+)");
    for (int i = 0; i < 200; i++) {
      Matcher m = url.matcher(out.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no URL printed: " + out);
  }

  static Map<String, String> query(String url) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String p : URI.create(url).getRawQuery().split("&")) {
      String[] kv = p.split("=", 2);
      m.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void theBrowserRedirectStoresARefreshTokenThatWorks() throws Exception {
    System.setIn(new ByteArrayInputStream(new byte[0]));
    Path token = tmp.resolve("secrets/drive-token.json");
    CompletableFuture<Integer> exit = login(token);
    Map<String, String> q = query(printedUrl());
    assertThat(q.get("scope")).isEqualTo("https://www.googleapis.com/auth/drive.readonly");
    assertThat(q.get("access_type")).isEqualTo("offline");
    assertThat(q.get("redirect_uri")).startsWith("http://127.0.0.1:");

    // the browser, after the person allowed access
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            q.get("redirect_uri")
                                + "?code="
                                + fake.issueCode()
                                + "&state="
                                + q.get("state")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(exit.get()).isZero();

    assertThat(Files.getPosixFilePermissions(token))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    JsonNode json = new ObjectMapper().readTree(token.toFile());
    assertThat(json.get("type").asText()).isEqualTo("authorized_user");
    assertThat(json.get("client_id").asText()).isEqualTo("client-1.apps.googleusercontent.com");
    String refresh = json.get("refresh_token").asText();
    assertThat(refresh).startsWith("refresh-");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(refresh);
    try (var files = Files.list(token.getParent())) {
      assertThat(files).containsExactly(token); // no temporary file left
    }

    // the stored token signs Caravan in
    FakeDrive.Item root = fake.folder("logs", null);
    fake.file("a.dslog", root.id, new byte[] {1, 2, 3});
    DriveSettings s =
        DriveSettings.from(
            dev.caravan.testing.Defaults.over(
                Map.of(
                    "caravan.drive.root-url", fake.rootUrl(),
                    "caravan.drive.folder-id", root.id,
                    "caravan.drive.token-file", token.toString())));
    var drive = new dev.caravan.intake.drive.DriveClients(s).drive();
    assertThat(drive.files().list().setQ("'" + root.id + "' in parents").execute().getFiles())
        .hasSize(1);
  }

  @Test
  void thePastedAddressWorksWhenTheBrowserIsElsewhere() throws Exception {
    String code = fake.issueCode();
    System.setIn(
        new ByteArrayInputStream(
            ("http://127.0.0.1:1/?code=" + code + "&scope=x\n").getBytes(StandardCharsets.UTF_8)));
    Path token = tmp.resolve("token.json");
    assertThat(login(token).get()).isZero();
    assertThat(new ObjectMapper().readTree(token.toFile()).get("refresh_token").asText())
        .startsWith("refresh-");
  }

  @Test
  void aRefusedCodeStoresNothing() throws Exception {
    System.setIn(new ByteArrayInputStream("not-a-code\n".getBytes(StandardCharsets.UTF_8)));
    Path token = tmp.resolve("token.json");
    assertThat(login(token).get()).isEqualTo(1);
    assertThat(token).doesNotExist();
  }
}
