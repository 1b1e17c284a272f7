package dev.caravan.ledger;

import dev.caravan.files.FileHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel's idempotent consumer over the ledger's {@code files} table: one source of truth. Adding a
 * key inserts the file's row (a unique constraint, not check-then-insert, decides who takes it);
 * removing it, when processing failed, leaves the row in {@code RETRY} for the next poll.
 *
 * <p>A release the ledger cannot record (its database is down: often the very reason the processing
 * failed) is kept here and tried again before each later claim, so the file is not left claimed
 * until a restart.
 */
public final class LedgerIdempotentRepository extends ServiceSupport
    implements IdempotentRepository {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LedgerIdempotentRepository.class);

  private final Ledger ledger;

  /** Releases not yet recorded: key to reason. */
  private final java.util.Map<String, String> unreleased =
      new java.util.concurrent.ConcurrentHashMap<>();

  public LedgerIdempotentRepository(Ledger ledger) {
    this.ledger = ledger;
  }

  private void release(String key, String reason) {
    try {
      ledger.release(FileKey.decode(key), reason);
      unreleased.remove(key);
    } catch (LedgerException e) {
      if (unreleased.put(key, reason) == null) {
        LOG.error(
            "{}: the ledger cannot record the release now; tried again at the next claim", key, e);
      }
    }
  }

  /** The releases the ledger could not record before, while it can now. */
  private void releaseLeftovers() {
    for (var r : java.util.List.copyOf(unreleased.entrySet())) {
      release(r.getKey(), r.getValue());
      if (unreleased.containsKey(r.getKey())) {
        return; // still down
      }
      LOG.info("{}: released now", r.getKey());
    }
  }

  @Override
  public boolean add(Exchange exchange, String key) {
    releaseLeftovers();
    FileKey k = FileKey.decode(key);
    var id =
        ledger.claim(
            k,
            exchange.getMessage().getHeader(FileHeaders.NAME, String.class),
            exchange.getMessage().getHeader(FileHeaders.SIZE, Long.class),
            exchange.getMessage().getHeader(FileHeaders.KIND, String.class));
    id.ifPresent(v -> exchange.getMessage().setHeader(FileHeaders.FILE_ID, v));
    return id.isPresent();
  }

  @Override
  public boolean add(String key) {
    throw new UnsupportedOperationException("the ledger needs the exchange to record a file");
  }

  @Override
  public boolean contains(String key) {
    releaseLeftovers();
    return ledger.contains(FileKey.decode(key));
  }

  @Override
  public boolean remove(Exchange exchange, String key) {
    Exception cause = exchange.getException();
    LOG.warn("{}: processing failed; the file will be taken again", key, cause);
    release(
        key,
        "processing failed, taken again on the next poll: "
            + (cause == null ? "unknown cause" : cause.toString()));
    return true;
  }

  @Override
  public boolean remove(String key) {
    release(key, "processing failed; taken again on the next poll");
    return true;
  }

  @Override
  public boolean confirm(String key) {
    return true;
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("the ledger is never cleared");
  }
}
