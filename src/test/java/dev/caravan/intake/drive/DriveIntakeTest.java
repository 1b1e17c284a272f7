package dev.caravan.intake.drive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.Ledger;
import dev.caravan.testing.FakeDrive;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Drive intake's steps (listing, stability gate, download, retries, errors) through the real
 * Google client against {@link FakeDrive}, with a real ledger.
 */
class DriveIntakeTest {

  @TempDir Path tmp;
  FakeDrive fake;
  Ledger ledger;
  FakeDrive.Item root;
  final Map<String, String> props = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDrive();
    ledger = Ledger.open("jdbc:h2:file:" + tmp.resolve("ledger"), "", "");
    root = fake.folder("Team 1234 logs", null);
    props.put("caravan.drive.root-url", fake.rootUrl());
    props.put("caravan.drive.folder-id", root.id);
    props.put(
        "caravan.drive.service-account-key",
        fake.serviceAccountKey(tmp.resolve("key.json")).toString());
    props.put("caravan.drive.backoff", "1");
    props.put("caravan.drive.backoff-max", "5");
    props.put("caravan.drive.retries", "3");
    props.put("caravan.drive.min-age", "PT1H");
  }

  @AfterEach
  void stop() {
    ledger.close();
    fake.close();
  }

  DriveIntake intake() {
    return intake(Clock.systemUTC());
  }

  DriveIntake intake(Clock clock) {
    DriveSettings s = DriveSettings.from(dev.caravan.testing.Defaults.over(props));
    return new DriveIntake(new DriveClients(s).drive(), s, ledger, tmp.resolve("landing"), clock);
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static List<String> names(List<DriveItem> items) {
    return items.stream().map(DriveItem::path).sorted().toList();
  }

  @Test
  void listsEveryPageAndSubFolderButNotTrashOrOtherFiles() throws Exception {
    props.put("caravan.drive.page-size", "7");
    FakeDrive.Item sub = fake.folder("2024", root.id);
    FakeDrive.Item deeper = fake.folder("week1", sub.id);
    for (int i = 0; i < 30; i++) {
      fake.file(
          "m" + i + ".dslog", i % 3 == 0 ? root.id : i % 3 == 1 ? sub.id : deeper.id, bytes(50, i));
    }
    fake.file("same.dslog", root.id, bytes(10, 100));
    fake.file("same.dslog", root.id, bytes(10, 101)); // a duplicate name: another file
    fake.file("trashed.dslog", root.id, bytes(10, 102)).trashed = true;
    fake.file("notes.txt", root.id, bytes(10, 103));
    fake.googleDoc("plan.dslog", root.id); // no bytes of its own
    fake.file("elsewhere.dslog", null, bytes(10, 104));

    List<DriveItem> taken = intake().poll(); // all a day old: past the minimum age

    assertThat(taken).hasSize(32);
    assertThat(names(taken)).contains("2024/week1/m2.dslog", "2024/m1.dslog", "m0.dslog");
    assertThat(
            taken.stream().filter(i -> i.name().equals("same.dslog")).map(DriveItem::id).distinct())
        .hasSize(2);
    assertThat(names(taken))
        .doesNotContain("trashed.dslog", "notes.txt", "plan.dslog", "elsewhere.dslog");
    List<FakeDrive.Request> lists =
        fake.requests().stream().filter(r -> r.path().equals("/drive/v3/files")).toList();
    // 16 entries at the top (10 files, 2 same, trashed is left out, notes, doc, folder) and 11/11
    // below, 7 a page: several pages per folder, every one asked for
    assertThat(lists.size()).isGreaterThanOrEqualTo(6);
    assertThat(lists)
        .allSatisfy(
            r -> {
              assertThat(r.query().get("q")).contains("trashed = false");
              assertThat(r.query().get("supportsAllDrives")).isEqualTo("true");
              assertThat(r.query().get("includeItemsFromAllDrives")).isEqualTo("true");
              assertThat(r.query().get("fields"))
                  .contains(
                      "nextPageToken", "md5Checksum", "size", "modifiedTime", "parents", "version");
            });
  }

  @Test
  void takesAYoungFileOnlyWhenTwoPollsShowItUnchanged() throws Exception {
    FakeDrive.Item f = fake.file("syncing.dslog", root.id, bytes(100, 1), Instant.now());
    DriveIntake intake = intake();
    assertThat(intake.poll()).isEmpty(); // first sight, young
    fake.update(f, bytes(200, 2)); // still growing
    assertThat(intake.poll()).isEmpty(); // changed: counted again
    // a restart does not reset the gate: it is in the ledger
    List<DriveItem> taken = intake().poll();
    assertThat(taken).extracting(DriveItem::md5).containsExactly(f.md5());
    assertThat(taken.get(0).size()).isEqualTo(200);
  }

  @Test
  void downloadsChecksAndSetsTheIdentityHeaders() throws Exception {
    byte[] content = bytes(300_000, 7);
    FakeDrive.Item f = fake.file("match.dslog", root.id, content);
    DriveIntake intake = intake();
    DriveItem item = intake.poll().get(0);
    Exchange x = exchange(item);

    intake.download(x);

    File got = x.getMessage().getBody(File.class);
    assertThat(Files.readAllBytes(got.toPath())).isEqualTo(content);
    assertThat(got.getName()).startsWith(".drive-").endsWith(".tmp");
    assertThat(x.getMessage().getHeader(FileHeaders.SHA256)).isEqualTo(sha256(content));
    assertThat(x.getMessage().getHeader(FileHeaders.KEY, String.class))
        .isEqualTo(sha256(content) + ":drive:" + f.id + ":" + f.md5());
    assertThat(x.getMessage().getHeader(FileHeaders.KIND)).isEqualTo("dslog");
    intake.discard(x);
    assertThat(got).doesNotExist();
  }

  @Test
  void aCutOrCorruptDownloadIsRetriedAndNeverPassedOn() throws Exception {
    byte[] content = bytes(100_000, 8);
    FakeDrive.Item f = fake.file("cut.dslog", root.id, content);
    DriveIntake intake = intake();
    DriveItem item = intake.poll().get(0);
    fake.cutDownload(f, 1);
    fake.corruptDownload(f, 1);
    Exchange x = exchange(item);
    intake.download(x); // cut, then corrupt, then right
    assertThat(Files.readAllBytes(x.getMessage().getBody(File.class).toPath())).isEqualTo(content);
    long media = fake.requests().stream().filter(r -> "media".equals(r.query().get("alt"))).count();
    assertThat(media).isEqualTo(3);
    intake.discard(x);

    fake.corruptDownload(f, 100); // never right
    Exchange y = exchange(item);
    assertThatThrownBy(() -> intake.download(y))
        .isInstanceOf(DriveException.class)
        .hasMessageContaining("cut.dslog")
        .hasMessageContaining("MD5 " + f.md5());
    assertThat(intake.downloadFailures()).isEqualTo(1);
    assertThat(Files.list(tmp.resolve("landing")).toList()).isEmpty(); // no partial file left
    assertThat(ledger.holds(DriveIntake.SOURCE, item.sourcePath())).isFalse();
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedAndRetryAfterHonoured() throws Exception {
    fake.file("a.dslog", root.id, bytes(10, 1));
    fake.fail(FakeDrive.listing(), 403, "userRateLimitExceeded", null, 1);
    fake.fail(FakeDrive.listing(), 500, "backendError", null, 1);
    fake.fail(FakeDrive.listing(), 429, "rateLimitExceeded", "1", 1);
    DriveIntake intake = intake();

    assertThat(intake.poll()).hasSize(1);

    List<FakeDrive.Request> lists =
        fake.requests().stream().filter(r -> r.path().equals("/drive/v3/files")).toList();
    assertThat(lists).extracting(FakeDrive.Request::status).containsExactly(403, 500, 429, 200);
    // Retry-After: 1 was waited for, though the configured backoff is 1 ms
    assertThat(Duration.between(lists.get(2).at(), lists.get(3).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void aFolderThatCannotBeReadFailsThePollLoudly() throws Exception {
    fake.file("a.dslog", root.id, bytes(10, 1));
    fake.fail(FakeDrive.get(root.id), 403, "insufficientFilePermissions", null, 1);
    DriveIntake intake = intake();
    assertThatThrownBy(intake::poll)
        .isInstanceOf(DriveException.class)
        .hasMessageContaining(root.id)
        .hasMessageContaining("HTTP 403 insufficientFilePermissions")
        .hasMessageContaining("share the folder");
    assertThat(intake.problem()).contains("403");
    assertThat(intake.poll()).hasSize(1); // next poll: fine again, and the problem is gone
    assertThat(intake.problem()).isNull();

    // a page that keeps failing fails the whole listing
    fake.fail(FakeDrive.listing(), 500, "backendError", null, 10);
    assertThatThrownBy(intake::poll)
        .isInstanceOf(DriveException.class)
        .hasMessageContaining("HTTP 500");
    assertThat(intake.pollFailures()).isEqualTo(2);

    props.put("caravan.drive.folder-id", "nosuchfolder");
    assertThatThrownBy(intake()::poll)
        .isInstanceOf(DriveException.class)
        .hasMessageContaining("nosuchfolder")
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void aFolderIsFoundByAUniqueNameOnly() throws Exception {
    props.remove("caravan.drive.folder-id");
    props.put("caravan.drive.folder-name", "Team 1234 logs");
    fake.file("a.dslog", root.id, bytes(10, 1));
    assertThat(intake().poll()).hasSize(1);

    props.put("caravan.drive.folder-name", "Nope");
    assertThatThrownBy(intake()::poll).hasMessageContaining("no Drive folder named 'Nope'");

    FakeDrive.Item other = fake.folder("Team 1234 logs", null);
    props.put("caravan.drive.folder-name", "Team 1234 logs");
    assertThatThrownBy(intake()::poll)
        .isInstanceOf(DriveException.class)
        .hasMessageContaining("2 Drive folders are named 'Team 1234 logs'")
        .hasMessageContaining(root.id)
        .hasMessageContaining(other.id)
        .hasMessageContaining("caravan.drive.folder-id");
  }

  @Test
  void aSharedDriveFolderIsListed() throws Exception {
    FakeDrive.Item shared = fake.folder("Shared logs", null);
    shared.driveId = "0AShared";
    FakeDrive.Item f = fake.file("s.dslog", shared.id, bytes(10, 1));
    f.driveId = "0AShared";
    props.put("caravan.drive.folder-id", shared.id);
    assertThat(intake().poll()).extracting(DriveItem::id).containsExactly(f.id);
  }

  @Test
  void anExpiredTokenIsRefreshedARevokedOneIsAnAuthError() throws Exception {
    fake.file("a.dslog", root.id, bytes(10, 1));
    DriveIntake intake = intake();
    assertThat(intake.poll()).hasSize(1);
    fake.expireAccessTokens();
    assertThat(intake.poll()).hasSize(1); // a 401, a new token, the same listing
    assertThat(fake.requests().stream().filter(r -> r.status() == 401)).isNotEmpty();

    // a stored refresh token that Google no longer accepts
    Path token = tmp.resolve("token.json");
    Files.writeString(
        token,
        "{\"type\":\"authorized_user\",\"client_id\":\"c\",\"client_secret\":\"s\",\"refresh_token\":\"nope\",\"token_uri\":\""
            + fake.tokenUri()
            + "\"}");
    props.remove("caravan.drive.service-account-key");
    props.put("caravan.drive.token-file", token.toString());
    assertThatThrownBy(intake()::poll)
        .isInstanceOf(DriveException.class)
        .satisfies(e -> assertThat(((DriveException) e).kind()).isEqualTo(DriveException.Kind.AUTH))
        .hasMessageContaining("credential was refused")
        .hasMessageContaining("caravan drive login");
  }

  @Test
  void aMissingCredentialFailsAtStartNamingTheFile() {
    props.remove("caravan.drive.service-account-key");
    props.put("caravan.drive.token-file", tmp.resolve("none.json").toString());
    assertThatThrownBy(this::intake)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no credential")
        .hasMessageContaining("none.json")
        .hasMessageContaining("drive login");
    props.put("caravan.drive.service-account-key", tmp.resolve("bad-key.json").toString());
    assertThatThrownBy(this::intake)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bad-key.json")
        .hasMessageContaining("service account");
  }

  @Test
  void theDailyQuotaStopsTheSourceUntilMidnightPacific() throws Exception {
    fake.file("a.dslog", root.id, bytes(10, 1));
    fake.fail(FakeDrive.listing(), 403, "dailyLimitExceeded", null, 1);
    Instant now = Instant.parse("2026-11-23T20:00:00Z"); // 12:00 in California
    DriveIntake intake = intake(Clock.fixed(now, ZoneId.of("UTC")));
    assertThatThrownBy(intake::poll).hasMessageContaining("dailyLimitExceeded");
    assertThat(intake.pausedUntil())
        .isEqualTo(
            ZonedDateTime.parse("2026-11-24T00:00:00-08:00[America/Los_Angeles]").toInstant());
    assertThat(intake.problem()).contains("rests until");
    int before = fake.requests().size();
    assertThat(intake.poll()).isEmpty(); // resting: Drive is not asked
    assertThat(fake.requests()).hasSize(before);
    assertThat(fake.requests().stream().filter(r -> r.status() == 403)).hasSize(1); // never retried
  }

  private static Exchange exchange(DriveItem item) {
    Exchange x = new DefaultExchange(new DefaultCamelContext());
    x.getMessage().setBody(item);
    return x;
  }
}
