package dev.caravan.deliver;

import dev.caravan.files.Sha256;
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

  private final DestinationConfig config;
  private final java.util.Map<String, SftpVerifier> sftp = new java.util.HashMap<>();
  private final java.util.Map<String, S3Verifier> s3 = new java.util.HashMap<>();

  public CopyChecker(DestinationConfig config) {
    this.config = config;
  }

  /** Empty when the copy is there and equal; else what is wrong with it. */
  public Optional<String> problem(DeliveryRow d) {
    try {
      String actual;
      String name = d.destination();
      // the destination's kind, from how its copy was proven
      String method = d.verifyMethod() == null ? "" : d.verifyMethod();
      switch (method) {
        case ArchiveDestination.METHOD -> {
          Path copy = config.archive(name).resolve(d.remotePath());
          if (!Files.exists(copy)) {
            return Optional.of("missing: " + copy);
          }
          actual = Sha256.of(copy);
        }
        case SftpVerifier.EXEC_SHA256, SftpVerifier.EXEC_OPENSSL, SftpVerifier.READ_BACK -> {
          Optional<SftpVerifier.Copy> copy =
              sftp.computeIfAbsent(name, n -> new SftpVerifier(config.sftp(n)))
                  .find(d.remotePath());
          if (copy.isEmpty()) {
            return Optional.of("missing: " + name + ":" + d.remotePath());
          }
          actual = copy.get().sha256();
        }
        case S3Verifier.HEAD_SHA256_MD5, S3Verifier.HEAD_SHA256 -> {
          Optional<S3Verifier.Copy> copy =
              s3.computeIfAbsent(name, n -> new S3Verifier(config.s3(n))).find(d.remotePath());
          if (copy.isEmpty()) {
            return Optional.of("missing: " + name + ":" + d.remotePath());
          }
          if (copy.get().size() != d.size()) {
            return Optional.of("size " + copy.get().size() + ", expected " + d.size());
          }
          actual = copy.get().sha256();
        }
        case dev.caravan.kafka.KafkaDestination.METHOD -> {
          // a published message is not read back (that would consume it): the broker's
          // acknowledgement by every in-sync replica is the proof
          return Optional.empty();
        }
        default -> {
          return Optional.of(
              "cannot check " + name + ": unknown verification method '" + method + "'");
        }
      }
      return d.sha256().equals(actual)
          ? Optional.empty()
          : Optional.of("SHA-256 " + actual + ", expected " + d.sha256());
    } catch (IOException | RuntimeException e) {
      // a server that cannot be reached, or a destination whose settings are missing here
      return Optional.of("cannot check: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    s3.values().forEach(S3Verifier::close);
    sftp.values().forEach(SftpVerifier::close);
  }
}
