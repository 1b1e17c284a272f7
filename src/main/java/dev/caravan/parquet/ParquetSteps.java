package dev.caravan.parquet;

import dev.caravan.files.DerivedFile;
import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of {@code routes/parquet.camel.yaml}: a decoded CSV becomes {@code NAME.v1.parquet}
 * (or {@code .events.parquet}, {@code .wpilog.parquet}) beside it, placed at every destination in a
 * Hive partition, {@code kind=dslog/team=TEAM/year=YYYY/month=MM/day=DD/}, so that one query reads
 * a season: {@code SELECT … FROM 'archive/kind=dslog/**}{@code /*.parquet'}.
 */
public final class ParquetSteps {

  private static final Logger LOG = LoggerFactory.getLogger(ParquetSteps.class);

  private final ParquetFiles writer;
  private final Ledger ledger;
  private final String team;

  /**
   * @param team the team (or station) named in the partition path ({@code caravan.parquet.team})
   */
  public ParquetSteps(ParquetFiles writer, Ledger ledger, String team) {
    this.writer = writer;
    this.ledger = ledger;
    this.team = team == null || team.isBlank() ? "unknown" : team.trim();
  }

  /**
   * The CSV (or a log's summary JSON) in the body → its Parquet as the body, with the artifact
   * headers and partition ({@code kind=summary} for a summary).
   */
  public void write(Exchange exchange) throws IOException, InvalidPayloadException {
    Message m = exchange.getMessage();
    Path input = m.getMandatoryBody(File.class).toPath();
    String artifact = m.getHeader(FileHeaders.ARTIFACT, String.class);
    boolean summary = artifact.equals("summary.json");
    String parquet = artifact.replaceFirst("(csv|json)$", "parquet");
    Path target =
        input.resolveSibling(
            DerivedFile.name(m.getHeader(FileHeaders.NAME, String.class), parquet));
    String sha256 =
        summary ? writer.fromJson(input, target) : writer.fromCsv(input, artifact, target);
    Instant day = m.getHeader(FileHeaders.LOG_START, Instant.class);
    m.setHeader(FileHeaders.ARTIFACT, parquet);
    m.setHeader(FileHeaders.ARTIFACT_SHA256, sha256);
    m.setHeader(
        FileHeaders.PARTITION,
        partition(
            summary ? "summary" : m.getHeader(FileHeaders.KIND, String.class),
            team,
            day == null ? Instant.now() : day));
    m.setBody(target.toFile());
  }

  /** Writing the Parquet failed: the file is marked failed with the cause, the rest goes on. */
  public void failed(Exchange exchange) {
    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    String message = cause == null ? "no Parquet made: unknown cause" : cause.getMessage();
    ledger.failed(exchange.getMessage().getHeader(FileHeaders.FILE_ID, Long.class), message);
    LOG.warn("{}", message);
  }

  /** {@code kind=KIND/team=TEAM/year=YYYY/month=MM/day=DD}, the day in UTC. */
  public static String partition(String kind, String team, Instant at) {
    return "kind=" + kind + "/team=" + team + "/" + day(at);
  }

  /** {@code year=YYYY/month=MM/day=DD}: the Hive partition of a UTC day. */
  public static String day(Instant at) {
    ZonedDateTime d = at.atZone(ZoneOffset.UTC);
    return String.format(
        java.util.Locale.ROOT,
        "year=%04d/month=%02d/day=%02d",
        d.getYear(),
        d.getMonthValue(),
        d.getDayOfMonth());
  }
}
