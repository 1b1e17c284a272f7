package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testing.ChildApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two apps (own processes) on one PostgreSQL ledger, one inbox, one data folder: only the leader
 * polls; killed with {@code kill -9} in the middle of a batch, the other takes over after the
 * lease; no file is taken twice and the deliveries, claimed by both, are made once each.
 */
class LeaderElectionTest {

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER)
  Path tmp;

  @Test
  void onlyTheLeaderPollsAndTheOtherTakesOverWhenItDies() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1");
      Path inbox = Files.createDirectories(tmp.resolve("inbox"));
      Map<String, String> shared =
          Map.of(
              "CARAVAN_DB_URL",
              url,
              "CARAVAN_DB_USER",
              "postgres",
              "CARAVAN_INBOX",
              inbox.toString(),
              "CARAVAN_DATA",
              tmp.resolve("data").toString(),
              "CARAVAN_ARCHIVE",
              tmp.resolve("archive").toString(),
              "CARAVAN_DESTINATIONS",
              "archive");
      Path logA = tmp.resolve("a.log");
      Path logB = tmp.resolve("b.log");
      Process a = start("a", logA, shared);
      Process b = null;
      try {
        await(Duration.ofSeconds(60), "a leads", () -> "a".equals(holder(postgres)));
        b = start("b", logB, shared);
        await(
            Duration.ofSeconds(60),
            "b stands by",
            () -> log(logB).contains("a leads leader; this app (b) stands by"));

        int first = 20;
        for (int i = 0; i < first; i++) {
          Files.write(inbox.resolve("a" + i + ".dslog"), RouteAppContract.variant(300 + i));
        }
        await(
            Duration.ofSeconds(90),
            "the first batch delivered",
            () ->
                count(postgres, "SELECT count(*) FROM deliveries WHERE state = 'VERIFIED'")
                    == 2L * first);
        assertThat(log(logB)).as("b never polled while a led").doesNotContain("Consumer started");
        assertThat(log(logA)).contains("Consumer started");

        int second = 30;
        for (int i = 0; i < second; i++) {
          Files.write(inbox.resolve("b" + i + ".dslog"), RouteAppContract.variant(400 + i));
        }
        await(
            Duration.ofSeconds(60),
            "a is taking the second batch",
            () -> count(postgres, "SELECT count(*) FROM files") >= first + 5);
        a.destroyForcibly(); // kill -9 in the middle of the batch
        a.waitFor(30, TimeUnit.SECONDS);

        int n = first + second;
        await(
            Duration.ofSeconds(120),
            "b took over and finished",
            () ->
                "b".equals(holder(postgres))
                    && count(postgres, "SELECT count(*) FROM files WHERE state = 'DONE'") == n
                    && count(postgres, "SELECT count(*) FROM deliveries WHERE state = 'VERIFIED'")
                        == 2L * n);
        assertThat(log(logB)).contains("b leads leader (a stopped renewing)");
        assertThat(count(postgres, "SELECT count(*) FROM files")).as("each file once").isEqualTo(n);
        assertThat(count(postgres, "SELECT count(DISTINCT source_path) FROM files")).isEqualTo(n);
        assertThat(count(postgres, "SELECT count(*) FROM deliveries")).isEqualTo(2L * n);
        assertThat(strings(postgres, "SELECT DISTINCT claimed_by FROM deliveries"))
            .as("both apps delivered")
            .containsExactlyInAnyOrder("a", "b");
        List<Path> archived = files(tmp.resolve("archive"));
        assertThat(archived)
            .as("each artifact once in the archive, nothing half-written")
            .hasSize(2 * n)
            .noneMatch(
                p -> p.getFileName().toString().startsWith(".") || p.toString().contains("(2)"));
        assertThat(files(tmp.resolve("data/landing")))
            .noneMatch(p -> p.getFileName().toString().startsWith("."));
      } finally {
        a.destroyForcibly();
        if (b != null) {
          b.destroy();
          b.waitFor(60, TimeUnit.SECONDS);
          b.destroyForcibly();
        }
      }
    }
  }

  private Process start(String member, Path log, Map<String, String> shared) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work-" + member));
    Map<String, String> env = new java.util.HashMap<>(shared);
    env.put("CARAVAN_LEADER_MEMBER", member);
    return ChildApp.start(work, log, env);
  }

  private static String holder(EmbeddedPostgres postgres) {
    List<String> holders =
        strings(postgres, "SELECT holder FROM leader_leases WHERE name = 'leader'");
    return holders.isEmpty() ? null : holders.get(0);
  }

  private static long count(EmbeddedPostgres postgres, String sql) {
    return Long.parseLong(strings(postgres, sql).get(0));
  }

  private static List<String> strings(EmbeddedPostgres postgres, String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    } catch (java.sql.SQLException e) {
      // the schema is not there until the first app has migrated it
      return sql.startsWith("SELECT count") ? List.of("0") : List.of();
    }
  }

  private static String log(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
