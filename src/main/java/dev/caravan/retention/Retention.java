package dev.caravan.retention;

import dev.caravan.deliver.CopyChecker;
import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes local (landing) copies, and only them, when it is safe: every required destination holds
 * a verified copy of every artifact of the file, the last of those verifications is at least {@code
 * after} old, the file is not locked, and a fresh check of each copy, just before deleting, still
 * agrees. A copy that fails that check is queued for delivery again and nothing is deleted. The
 * source's own copy (the inbox in noop mode, Drive) is never touched, and nothing is ever deleted
 * at a destination.
 */
public final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.retention");

  private final Ledger ledger;
  private final DeliveryQueue queue;
  private final CopyChecker checker;
  private final java.util.function.Supplier<List<String>> required;
  private final Duration after;

  public Retention(
      Ledger ledger,
      DeliveryQueue queue,
      CopyChecker checker,
      java.util.function.Supplier<List<String>> required,
      Duration after) {
    this.ledger = ledger;
    this.queue = queue;
    this.checker = checker;
    this.required = required;
    this.after = after;
  }

  /** The destinations a file must be verified at, for one pass of the retention route. */
  public List<String> required() {
    return List.copyOf(required.get());
  }

  /**
   * One candidate of the retention route's query: deletes its local copies if every required
   * destination has held a verified copy long enough and a fresh check agrees. True if deleted; a
   * ledger error skips the file for this pass.
   */
  public boolean sweep(long id, List<String> required) {
    try {
      return sweepOne(id, required);
    } catch (LedgerException e) {
      LOG.error("retention of file {} skipped: {}", id, e.getMessage());
      return false;
    }
  }

  private boolean sweepOne(long id, List<String> required) {
    List<DeliveryRow> deliveries = ledger.deliveriesOf(id);
    Instant cutoff = Instant.now().minus(after);
    List<DeliveryRow> needed = new ArrayList<>();
    for (DeliveryRow d : deliveries) {
      if (!required.contains(d.destination())) {
        continue;
      }
      if (d.state() != DeliveryState.VERIFIED || d.verifiedAt().isAfter(cutoff)) {
        return false; // not everywhere yet, or not long enough
      }
      needed.add(d);
    }
    for (String destination : required) {
      if (needed.stream().noneMatch(d -> d.destination().equals(destination))) {
        return false; // a required destination has no delivery of this file at all
      }
    }
    for (DeliveryRow d : needed) {
      Optional<String> problem = checker.problem(d);
      if (problem.isPresent()) {
        queue.redeliver(d.id(), "retention check: " + problem.get());
        ledger.event(
            id,
            "retention-check-failed",
            d.artifact()
                + " at "
                + d.destination()
                + ":"
                + d.remotePath()
                + ": "
                + problem.get()
                + "; queued again, nothing deleted");
        LOG.warn(
            "file {}: {} at {} failed the check before deletion: {}",
            id,
            d.artifact(),
            d.destination(),
            problem.get());
        return false;
      }
    }
    List<String> done = new ArrayList<>();
    for (Path p : ledger.localCopies(id)) {
      try {
        if (Files.deleteIfExists(p)) {
          done.add(p.getFileName().toString());
        }
      } catch (IOException e) {
        ledger.event(id, "delete-failed", p + ": " + e);
        LOG.error("file {}: cannot delete {}: {}", id, p, e.toString());
        return false;
      }
    }
    ledger.localDeleted(
        id, "verified at " + String.join(", ", required) + "; deleted " + String.join(", ", done));
    LOG.info(
        "file {}: local copies deleted ({}), verified at {}",
        id,
        String.join(", ", done),
        required);
    return true;
  }
}
