package dev.caravan.ledger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * The two ledgers a test runs on, by name: "h2" (a file of its own under {@code dir} each time) and
 * "postgres" (one embedded server, its database shared by the class's tests).
 */
final class BothDatabases implements AutoCloseable {

  private final Path dir;
  private final EmbeddedPostgres pg;

  BothDatabases(Path dir) throws java.io.IOException {
    this.dir = dir;
    this.pg = EmbeddedPostgres.builder().start();
  }

  String url(String db) {
    return db.equals("h2")
        ? "jdbc:h2:file:" + dir.resolve("ledger-" + System.nanoTime()) + ";AUTO_SERVER=TRUE"
        : pg.getJdbcUrl("postgres", "postgres").replace("localhost", "127.0.0.1");
  }

  static String user(String db) {
    return db.equals("h2") ? "sa" : "postgres";
  }

  @Override
  public void close() throws java.io.IOException {
    pg.close();
  }
}
