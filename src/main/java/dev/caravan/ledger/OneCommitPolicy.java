package dev.caravan.ledger;

import dev.caravan.files.FileHeaders;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

/**
 * Camel's {@code policy} EIP over {@link Ledger#inOneCommit}: the steps it wraps record everything
 * they tell the ledger in one commit when the exchange ends well, and nothing when it fails (its
 * exception is left on the exchange, for the error handling around, as without the policy). The
 * steps must run on the calling thread (direct endpoints, beans), as the take route's do.
 *
 * <p>Within an intake poll's {@link PollBatch} the commit is the batch's: the file's part is a
 * savepoint in it, undone alone if it fails, and the batch told that one more file is through.
 */
public final class OneCommitPolicy implements Policy {

  private final Ledger ledger;
  private final PollBatch batch;

  public OneCommitPolicy(Ledger ledger, PollBatch batch) {
    this.ledger = ledger;
    this.batch = batch;
  }

  @Override
  public void beforeWrap(Route route, NamedNode definition) {}

  @Override
  public Processor wrap(Route route, Processor processor) {
    return exchange -> {
      try {
        ledger.inOneCommit(
            () -> {
              processor.process(exchange);
              if (exchange.getException() != null) {
                throw new RolledBack();
              }
              return null;
            });
      } catch (RolledBack e) {
        // failed: nothing of it is recorded; its own exception stays on the exchange
      }
      batch.fileDone(exchange.getMessage().getHeader(FileHeaders.KEY, String.class));
    };
  }

  /** Unwinds {@link Ledger#inOneCommit} to roll back, never seen outside this class. */
  private static final class RolledBack extends RuntimeException {
    RolledBack() {
      super(null, null, false, false);
    }
  }
}
