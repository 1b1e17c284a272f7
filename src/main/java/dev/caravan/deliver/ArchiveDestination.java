package dev.caravan.deliver;

import dev.caravan.decode.DecodeSteps;
import dev.caravan.intake.IntakeHeaders;
import dev.caravan.intake.Landing;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The archive folder: where each artifact goes ({@code YYYY/MM/DD/NAME}, by a DS log's header time
 * in UTC, else the day it was taken), and the read-back check after Camel's file producer wrote it
 * (temp name, then rename). A name already holding other bytes is never overwritten: the artifact
 * gets the next free name {@code NAME (2).ext}.
 */
public final class ArchiveDestination {

  /** Headers of the delivery. */
  public static final String TARGET = "CaravanArchiveTarget", ALREADY_THERE = "CaravanAlreadyThere";

  private static final String METHOD = "sha256-reread";

  private final String name;
  private final Path root;
  private final Ledger ledger;

  public ArchiveDestination(String name, Path root, Ledger ledger) {
    this.name = name;
    this.root = root;
    this.ledger = ledger;
  }

  /** Chooses the target path (as {@code CamelFileName}) of the artifact in the body. */
  public void plan(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File artifact = m.getBody(File.class);
    String sha = artifactSha(m, artifact.toPath());
    Instant when = m.getHeader(IntakeHeaders.LOG_START, Instant.class);
    ZonedDateTime day = (when == null ? Instant.now() : when).atZone(ZoneOffset.UTC);
    String dir =
        String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    String fileName = artifact.getName();
    int dot = fileName.indexOf('.');
    String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
    String ext = dot > 0 ? fileName.substring(dot) : "";
    for (int n = 1; ; n++) {
      String candidate = dir + "/" + (n == 1 ? fileName : stem + " (" + n + ")" + ext);
      Path target = root.resolve(candidate);
      if (!Files.exists(target)) {
        m.setHeader(Exchange.FILE_NAME, candidate);
        m.setHeader(TARGET, candidate);
        m.setHeader(ALREADY_THERE, false);
        if (n > 1) {
          ledger.event(
              fileId(m),
              "renamed",
              dir + "/" + fileName + " holds other bytes; delivered as " + candidate);
        }
        return;
      }
      if (Landing.sha256(target).equals(sha)) {
        m.setHeader(Exchange.FILE_NAME, candidate);
        m.setHeader(TARGET, candidate);
        m.setHeader(ALREADY_THERE, true); // a retry after a stop: the copy is there
        return;
      }
    }
  }

  /** Re-hashes the written copy; a mismatch fails the delivery (and the exchange, to retry). */
  public void verify(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    String target = m.getHeader(TARGET, String.class);
    Path written = root.resolve(target);
    String expected = artifactSha(m, m.getBody(File.class).toPath());
    String artifact = artifactName(m);
    String actual = Files.exists(written) ? Landing.sha256(written) : "(missing)";
    if (!actual.equals(expected)) {
      String error =
          "read-back of " + written + " gave SHA-256 " + actual + ", expected " + expected;
      ledger.deliveryFailed(fileId(m), artifact, name, error);
      throw new IOException(error);
    }
    ledger.deliveryVerified(fileId(m), artifact, name, target, Files.size(written), actual, METHOD);
  }

  private static String artifactName(Message m) {
    String artifact = m.getHeader(DecodeSteps.ARTIFACT, String.class);
    return artifact == null ? "raw" : artifact;
  }

  /** The artifact's SHA-256: the raw file's from intake, a derived file's from its writer. */
  private static String artifactSha(Message m, Path artifact) throws IOException {
    String derived = m.getHeader("CaravanArtifactSha256", String.class);
    if (m.getHeader(DecodeSteps.ARTIFACT) != null && derived != null) {
      return derived;
    }
    String raw = m.getHeader(IntakeHeaders.SHA256, String.class);
    return raw != null ? raw : Landing.sha256(artifact);
  }

  private static long fileId(Message m) {
    return m.getHeader(IntakeHeaders.FILE_ID, Long.class);
  }
}
