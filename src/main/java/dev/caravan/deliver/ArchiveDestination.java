package dev.caravan.deliver;

import dev.caravan.files.Layout;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;

/**
 * The archive folder: where each artifact goes ({@code YYYY/MM/DD/NAME}, see {@link Layout}), and
 * the read-back check after Camel's file producer wrote it (temp name, then rename). A name already
 * holding other bytes is never overwritten: the artifact gets the next free name {@code NAME
 * (2).ext}.
 */
public final class ArchiveDestination implements Destination {

  /** Headers of the delivery. */
  public static final String TARGET = "CaravanArchiveTarget", ALREADY_THERE = "CaravanAlreadyThere";

  public static final String METHOD = "sha256-reread";

  /** The proofs its copies carry in the ledger. */
  public static final java.util.Set<String> METHODS = java.util.Set.of(METHOD);

  private final String name;
  private final Path root;
  private final Ledger ledger;

  public ArchiveDestination(String name, Path root, Ledger ledger) {
    this.name = name;
    this.root = root;
    this.ledger = ledger;
  }

  /**
   * For the {@link Delivery} in the body: chooses the target path (as {@code CamelFileName}) and
   * makes the local artifact the body for Camel's file producer.
   */
  public void plan(Exchange exchange) throws IOException, org.apache.camel.InvalidPayloadException {
    String sha = exchange.getMessage().getMandatoryBody(Delivery.class).sha256();
    Placement.choose(
        exchange,
        name,
        ledger,
        relative -> {
          Path target = root.resolve(relative);
          if (!Files.exists(target)) {
            return Placement.Found.NOTHING;
          }
          return Sha256.of(target).equals(sha)
              ? Placement.Found.SAME_BYTES
              : Placement.Found.OTHER_BYTES;
        });
  }

  /**
   * Syncs the written copy to disk, then re-hashes it; a mismatch fails the attempt (to be
   * retried). Only then does the ledger call it verified: a power cut cannot leave a verified copy
   * that is not on the disk.
   */
  public void verify(Exchange exchange) throws IOException {
    Delivery d = exchange.getProperty(Deliveries.DELIVERY, Delivery.class);
    String target = exchange.getMessage().getHeader(TARGET, String.class);
    Path written = root.resolve(target);
    if (Files.exists(written)) {
      dev.caravan.files.Durable.sync(written);
    }
    String actual = Files.exists(written) ? Sha256.of(written) : "(missing)";
    if (!actual.equals(d.sha256())) {
      throw new VerificationException(
          "read-back of " + written + " gave SHA-256 " + actual + ", expected " + d.sha256());
    }
    Deliveries.proven(exchange, d, target, METHOD);
  }

  @Override
  public java.util.Optional<String> check(dev.caravan.ledger.DeliveryRow copy) throws IOException {
    Path there = root.resolve(copy.remotePath());
    if (!Files.exists(there)) {
      return java.util.Optional.of("missing: " + there);
    }
    return CopyCheck.sameBytes(copy, Sha256.of(there));
  }
}
