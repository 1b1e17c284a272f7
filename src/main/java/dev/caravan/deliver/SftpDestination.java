package dev.caravan.deliver;

import dev.caravan.files.Layout;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * An SFTP server as a destination: {@code BASE/YYYY/MM/DD/NAME} (see {@link Layout}), uploaded by
 * Camel's sftp producer under a temporary name and renamed, never over other bytes, then proven by
 * {@link SftpVerifier} (remote {@code sha256sum}, else a read-back).
 */
public final class SftpDestination implements Destination {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("caravan.deliver");

  private static final java.time.Duration FOLDER_KNOWN = java.time.Duration.ofSeconds(10);

  /** The proofs its copies carry in the ledger. */
  public static final java.util.Set<String> METHODS =
      java.util.Set.of(SftpVerifier.EXEC_SHA256, SftpVerifier.EXEC_OPENSSL, SftpVerifier.READ_BACK);

  private final String name;
  // folders found or made on the server, with when (System.nanoTime)
  private final java.util.Map<String, Long> folders =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final String base;
  private final SftpVerifier verifier;
  private final Ledger ledger;
  private final Bandwidth bandwidth;

  public SftpDestination(
      String name, String base, SftpVerifier verifier, Ledger ledger, Bandwidth bandwidth) {
    this.bandwidth = bandwidth;
    this.name = name;
    // Camel's sftp endpoint takes its folder relative to the login folder and trims leading
    // slashes; the read-back must look where the upload went
    this.base = base.replaceAll("^/+", "").replaceAll("/+$", "");
    this.verifier = verifier;
    this.ledger = ledger;
  }

  /**
   * Chooses the remote path of the {@link Delivery} in the body; the body becomes the local file.
   */
  public void plan(Exchange exchange) throws IOException, InvalidPayloadException {
    Delivery d = exchange.getMessage().getMandatoryBody(Delivery.class);
    String sha = d.sha256();
    String relativeTarget =
        Placement.choose(
            exchange,
            name,
            ledger,
            relative -> {
              Optional<SftpVerifier.Copy> there = verifier.find(remote(relative));
              if (there.isEmpty()) {
                return Placement.Found.NOTHING;
              }
              return there.get().sha256().equals(sha)
                  ? Placement.Found.SAME_BYTES
                  : Placement.Found.OTHER_BYTES;
            });
    ensureFolder(relativeTarget.substring(0, relativeTarget.lastIndexOf('/')));
    if (!exchange.getMessage().getHeader(ArchiveDestination.ALREADY_THERE, false, Boolean.class)) {
      bandwidth.limitBody(exchange, d.local());
    }
  }

  /**
   * Makes the target's folder unless it was found or made in the last {@link #FOLDER_KNOWN}:
   * Camel's producer would check it with two changes of folder (four requests) for every upload. A
   * folder removed meanwhile fails the upload, which is retried after the backoff, then made again.
   */
  private void ensureFolder(String relativeDir) throws IOException {
    String dir = remote(relativeDir);
    long now = System.nanoTime();
    Long seen = folders.get(dir);
    if (seen == null || now - seen > FOLDER_KNOWN.toNanos()) {
      verifier.sessions().makeFolders(dir);
      folders.put(dir, now);
    }
  }

  /**
   * One {@code sha256sum} on the server for the whole batch, when it has a shell. When that fails
   * (the server went away meanwhile) the batch goes on unproven: each copy's own verify then fails,
   * or succeeds, and is recorded on its own.
   */
  @Override
  public java.util.List<Placement.Placed> prove(java.util.List<Placement.Placed> batch) {
    SftpVerifier.Proofs proofs;
    try {
      proofs = verifier.hashAll(batch.stream().map(p -> remote(p.relative())).toList());
    } catch (IOException e) {
      LOG.warn(
          "{}: cannot hash {} copies at once, verifying each: {}",
          name,
          batch.size(),
          e.getMessage());
      return batch;
    }
    return batch.stream()
        .map(p -> p.withProof(proofs.sha256s().get(remote(p.relative())), proofs.method()))
        .toList();
  }

  /**
   * Checks the copy against the hash the batch fetched, else reads it back from the server; a
   * mismatch fails the attempt.
   */
  public void verify(Exchange exchange) throws IOException {
    Delivery d = exchange.getProperty(Deliveries.DELIVERY, Delivery.class);
    String relative = exchange.getMessage().getHeader(ArchiveDestination.TARGET, String.class);
    String proven = exchange.getMessage().getHeader(Placement.PROVEN_SHA256, String.class);
    String provenBy = exchange.getMessage().getHeader(Placement.PROVEN_BY, String.class);
    // a hash of the whole file proves its size too: the size is only compared when read back
    SftpVerifier.Copy copy =
        proven != null
            ? new SftpVerifier.Copy(proven, d.size(), provenBy)
            : verifier.read(remote(relative));
    if (!copy.sha256().equals(d.sha256()) || copy.size() != d.size()) {
      throw new VerificationException(
          name
              + ":"
              + remote(relative)
              + " reads back as SHA-256 "
              + copy.sha256()
              + " ("
              + copy.size()
              + " bytes), expected "
              + d.sha256()
              + " ("
              + d.size()
              + " bytes)");
    }
    Deliveries.proven(exchange, d, remote(relative), copy.method());
  }

  private String remote(String relative) {
    return base.isEmpty() ? relative : base + "/" + relative;
  }

  @Override
  public Optional<String> check(dev.caravan.ledger.DeliveryRow copy) throws IOException {
    Optional<SftpVerifier.Copy> there = verifier.find(copy.remotePath());
    if (there.isEmpty()) {
      return Optional.of("missing: " + name + ":" + copy.remotePath());
    }
    return CopyCheck.sameBytes(copy, there.get().sha256());
  }

  @Override
  public void close() {
    verifier.close();
  }
}
