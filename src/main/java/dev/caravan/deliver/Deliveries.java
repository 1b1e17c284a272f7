package dev.caravan.deliver;

import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.DeliveryQueue;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery steps every destination route shares: queue an artifact for every configured
 * destination, claim due deliveries, and record a failed attempt with its class.
 */
public final class Deliveries {

  /** Exchange property holding the {@link Delivery} being worked on. */
  public static final String DELIVERY = "CaravanDelivery";

  /** Exchange property holding the {@link DeliveryQueue.Verified} copy its destination proved. */
  public static final String PROVEN = "CaravanProven";

  private static final Logger LOG = LoggerFactory.getLogger("caravan.deliver");

  /** A destination's verify step: the copy is proven, to be recorded with its batch. */
  public static void proven(Exchange exchange, Delivery d, String remotePath, String method) {
    exchange.setProperty(PROVEN, new DeliveryQueue.Verified(d, remotePath, method));
  }

  private final DeliveryQueue queue;
  private final java.util.function.Supplier<List<String>> destinations;
  private final DestinationConfig config;

  /**
   * @param destinations the destinations at the moment of queueing (see {@link Destinations})
   * @param config their settings, to explain a refused SFTP host key
   */
  public Deliveries(
      DeliveryQueue queue,
      java.util.function.Supplier<List<String>> destinations,
      DestinationConfig config) {
    this.config = config;
    this.queue = queue;
    this.destinations = destinations;
  }

  /** Queues the artifact in the body (the raw file, or a derived one) for every destination. */
  public void queue(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File file = m.getBody(File.class);
    String artifact = m.getHeader(FileHeaders.ARTIFACT, "raw", String.class);
    String sha =
        "raw".equals(artifact)
            ? m.getHeader(FileHeaders.SHA256, String.class)
            : m.getHeader(FileHeaders.ARTIFACT_SHA256, String.class);
    String partition = m.getHeader(FileHeaders.PARTITION, String.class);
    queue.enqueue(
        m.getHeader(FileHeaders.FILE_ID, Long.class),
        artifact,
        file.toPath(),
        // a partition travels in the name (Placement takes it apart)
        partition == null ? file.getName() : partition + "/" + file.getName(),
        sha,
        Files.size(file.toPath()),
        m.getHeader(FileHeaders.LOG_START, Instant.class),
        destinations.get());
  }

  /** Due deliveries to one destination, claimed for this attempt. */
  public List<Delivery> claim(String destination, int max) {
    return queue.claim(destination, max);
  }

  /** The attempt failed: classify, back off or quarantine, and say so. */
  public void failed(Exchange exchange) {
    Delivery d = exchange.getProperty(DELIVERY, Delivery.class);
    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    ErrorClass cls = ErrorClass.of(cause);
    String message = cause == null ? "unknown" : message(d.destination(), cause);
    dev.caravan.ledger.DeliveryState state = queue.failed(d, cls.label(), cls.permanent(), message);
    LOG.warn(
        "{} {} -> {}: {} ({}, attempt {}): {}",
        d.name(),
        d.artifact(),
        d.destination(),
        state == dev.caravan.ledger.DeliveryState.QUARANTINED ? "QUARANTINED" : "will retry",
        cls.label(),
        d.attempts() + 1,
        message);
  }

  /** The error's own message, or for a refused SFTP host key what to do about it. */
  private String message(String destination, Exception cause) {
    if (!SftpHostKeys.refused(cause)) {
      return cause.getMessage();
    }
    SftpSessions.Server server = config.sftp(destination);
    return SftpHostKeys.explain(
            cause,
            server.host(),
            server.port(),
            config.knownHosts(destination),
            server.timeoutMillis())
        .orElse(cause.getMessage());
  }

  /** The attempt succeeded (the destination's verify step recorded it): one line in the log. */
  /**
   * After the verify step: the body becomes the proven copy, which the split collects for {@link
   * #record}. A verify step that proved nothing fails the attempt.
   */
  public DeliveryQueue.Verified delivered(Exchange exchange) throws VerificationException {
    DeliveryQueue.Verified v = exchange.getProperty(PROVEN, DeliveryQueue.Verified.class);
    if (v == null) {
      throw new VerificationException(
          "no proof recorded for delivery "
              + exchange.getProperty(DELIVERY, Delivery.class).id()
              + " (a verify step must name its method)");
    }
    return v;
  }

  /**
   * After a batch's split: the copies it proved (the other items, failed attempts, are left out),
   * recorded in one commit; only then are they logged as verified.
   */
  public void record(List<?> batch) {
    List<DeliveryQueue.Verified> proven =
        batch.stream()
            .filter(DeliveryQueue.Verified.class::isInstance)
            .map(DeliveryQueue.Verified.class::cast)
            .toList();
    queue.verifiedAll(proven);
    for (DeliveryQueue.Verified v : proven) {
      Delivery d = v.delivery();
      LOG.info("{} {} -> {} verified", d.name(), d.artifact(), d.destination());
    }
  }
}
