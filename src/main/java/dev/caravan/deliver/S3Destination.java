package dev.caravan.deliver;

import dev.caravan.files.Layout;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;

/**
 * Any S3-compatible store as a destination: {@code PREFIX/YYYY/MM/DD/NAME} (see {@link Layout}),
 * put by Camel's aws2-s3 producer (one PUT for small files, multipart above the part size: either
 * the object appears whole or not at) with our SHA-256 in the object's metadata, never over another
 * object, then proven by {@link S3Verifier}.
 */
public final class S3Destination implements Destination {

  /** Camel aws2-s3 headers. */
  static final String KEY = "CamelAwsS3Key",
      METADATA = "CamelAwsS3Metadata",
      CONTENT_LENGTH = "CamelAwsS3ContentLength";

  /** The proofs its copies carry in the ledger. */
  public static final java.util.Set<String> METHODS =
      java.util.Set.of(S3Verifier.HEAD_SHA256_MD5, S3Verifier.HEAD_SHA256);

  private final String name;
  // keys being put by this app, with the delivery putting each (see plan)
  private final java.util.concurrent.ConcurrentHashMap<String, Long> placing =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final String prefix;
  private final long partSize;
  private final long uploadCutoff;
  private final boolean conditionalWrites;
  private final S3Verifier verifier;
  private final Ledger ledger;
  private final Bandwidth bandwidth;

  public S3Destination(
      String name,
      String prefix,
      long partSize,
      long uploadCutoff,
      boolean conditionalWrites,
      S3Verifier verifier,
      Ledger ledger,
      Bandwidth bandwidth) {
    this.bandwidth = bandwidth;
    this.name = name;
    this.partSize = partSize;
    this.uploadCutoff = uploadCutoff;
    this.conditionalWrites = conditionalWrites;
    this.prefix = prefix.replaceAll("^/+|/+$", "");
    this.verifier = verifier;
    this.ledger = ledger;
  }

  /** The client of this store, also the aws2-s3 producer's. */
  public software.amazon.awssdk.services.s3.S3Client client() {
    return verifier.client();
  }

  /** Chooses the key of the {@link Delivery} in the body and sets what the producer needs. */
  public void plan(Exchange exchange) throws IOException, InvalidPayloadException {
    Message m = exchange.getMessage();
    Delivery d = m.getMandatoryBody(Delivery.class);
    String relative =
        Placement.choose(
            exchange,
            name,
            ledger,
            rel -> {
              // a PUT replaces what is there: a key another delivery of this app is putting now
              // is taken, or of two same-named files uploaded at once the later would replace
              // the copy the first had already verified
              Long holder = placing.putIfAbsent(key(rel), d.id());
              if (holder != null && holder != d.id()) {
                return Placement.Found.OTHER_BYTES;
              }
              if (conditionalWrites && d.firstTry()) {
                // no HEAD: nothing of this delivery can be there yet, and the store refuses the
                // PUT (412) when another object holds the key; the retry then looks first
                return Placement.Found.NOTHING;
              }
              Optional<S3Verifier.Copy> there = verifier.find(key(rel));
              if (there.isEmpty()) {
                return Placement.Found.NOTHING;
              }
              if (verifier.sameContent(there.get(), d.local(), d.sha256(), partSize)) {
                return Placement.Found.SAME_BYTES;
              }
              placing.remove(key(rel), d.id());
              return Placement.Found.OTHER_BYTES;
            });
    if (d.size() > uploadCutoff) {
      // a multipart put cut by a crash leaves parts behind: clear them before a new one
      int aborted = verifier.abortUnfinished(key(relative));
      if (aborted > 0) {
        ledger.event(
            d.fileId(),
            "aborted",
            name + ":" + key(relative) + ": " + aborted + " unfinished multipart upload(s)");
      }
    }
    m.setHeader(ArchiveDestination.TARGET, key(relative));
    m.setHeader(KEY, key(relative));
    m.setHeader(METADATA, Map.of(S3Verifier.SHA256_METADATA, d.sha256()));
    m.setHeader(CONTENT_LENGTH, d.size());
    if (!m.getHeader(ArchiveDestination.ALREADY_THERE, false, Boolean.class)) {
      bandwidth.limitBody(exchange, d.local());
    }
  }

  /**
   * HEADs the object; a mismatch fails the attempt. Either way the key is no longer being put: a
   * verified copy now guards it, and a failed one is put again by the same delivery.
   */
  public void verify(Exchange exchange) throws IOException {
    Delivery d = exchange.getProperty(Deliveries.DELIVERY, Delivery.class);
    String key = exchange.getMessage().getHeader(ArchiveDestination.TARGET, String.class);
    try {
      Deliveries.proven(exchange, d, key, verify(d, key));
    } finally {
      placing.remove(key, d.id());
    }
  }

  /** The method that proved the copy; throws when it is missing or other bytes. */
  private String verify(Delivery d, String key) throws IOException {
    S3Verifier.Copy there =
        verifier
            .find(key)
            .orElseThrow(() -> new VerificationException(name + ":" + key + " is missing"));
    String method =
        stamped(d, key, there)
            ? verifier.verify(key, d.local(), d.sha256(), d.size()) // the copy has a new ETag
            : verifier.verify(key, there, d.local(), d.sha256(), d.size());
    return method;
  }

  /**
   * Our own multipart put (the producer drops metadata there) whose ETag matches the file gets its
   * SHA-256 metadata now; true when it did.
   */
  private boolean stamped(Delivery d, String key, S3Verifier.Copy there) throws IOException {
    if (there.sha256() != null || !verifier.sameContent(there, d.local(), d.sha256(), partSize)) {
      return false;
    }
    verifier.stamp(key, d.sha256());
    ledger.event(
        d.fileId(),
        "stamped",
        name + ":" + key + " (multipart): ETag matched the file, SHA-256 metadata set");
    return true;
  }

  private String key(String relative) {
    return prefix.isEmpty() ? relative : prefix + "/" + relative;
  }

  @Override
  public Optional<String> check(dev.caravan.ledger.DeliveryRow copy) throws IOException {
    Optional<S3Verifier.Copy> there = verifier.find(copy.remotePath());
    if (there.isEmpty()) {
      return Optional.of("missing: " + name + ":" + copy.remotePath());
    }
    if (there.get().size() != copy.size()) {
      return Optional.of("size " + there.get().size() + ", expected " + copy.size());
    }
    return CopyCheck.sameBytes(copy, there.get().sha256());
  }

  @Override
  public void close() {
    verifier.close();
  }
}
