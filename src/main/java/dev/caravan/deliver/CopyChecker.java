package dev.caravan.deliver;

import dev.caravan.intake.Landing;
import dev.caravan.ledger.DeliveryRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Re-verifies a copy the ledger calls verified, at its destination, with the same read-back methods
 * as the delivery: what {@code caravan check} runs over the whole ledger.
 */
public final class CopyChecker implements AutoCloseable {

  private final Path archive;
  private final DestinationConfig config;
  private SftpVerifier sftp;
  private S3Verifier s3;

  public CopyChecker(DestinationConfig config) {
    this.config = config;
    this.archive = config.archive();
  }

  /** Empty when the copy is there and equal; else what is wrong with it. */
  public Optional<String> problem(DeliveryRow d) {
    try {
      String actual;
      switch (d.destination()) {
        case "archive" -> {
          Path copy = archive.resolve(d.remotePath());
          if (!Files.exists(copy)) {
            return Optional.of("missing: " + copy);
          }
          actual = Landing.sha256(copy);
        }
        case "sftp" -> {
          Optional<SftpVerifier.Copy> copy = sftp().find(d.remotePath());
          if (copy.isEmpty()) {
            return Optional.of("missing: sftp:" + d.remotePath());
          }
          actual = copy.get().sha256();
        }
        case "s3" -> {
          Optional<S3Verifier.Copy> copy = s3().find(d.remotePath());
          if (copy.isEmpty()) {
            return Optional.of("missing: s3:" + d.remotePath());
          }
          if (copy.get().size() != d.size()) {
            return Optional.of("size " + copy.get().size() + ", expected " + d.size());
          }
          actual = copy.get().sha256();
        }
        default -> {
          return Optional.of("unknown destination " + d.destination());
        }
      }
      return d.sha256().equals(actual)
          ? Optional.empty()
          : Optional.of("SHA-256 " + actual + ", expected " + d.sha256());
    } catch (IOException e) {
      return Optional.of("cannot check: " + e.getMessage());
    }
  }

  private SftpVerifier sftp() {
    if (sftp == null) {
      sftp = new SftpVerifier(config.sftp());
    }
    return sftp;
  }

  private S3Verifier s3() {
    if (s3 == null) {
      s3 = new S3Verifier(config.s3());
    }
    return s3;
  }

  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
    if (sftp != null) {
      sftp.close();
    }
  }
}
