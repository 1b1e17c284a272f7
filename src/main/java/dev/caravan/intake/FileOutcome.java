package dev.caravan.intake;

import dev.caravan.files.FileHeaders;
import dev.caravan.ledger.FileState;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerException;
import dev.caravan.ledger.PollBatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends each file's processing in the ledger with one INFO line saying what happened to it, and logs
 * a summary line after each poll that found anything (as the intake's poll strategy). Each poll of
 * a source that leaves its files in place is one {@link PollBatch}.
 */
public final class FileOutcome implements PollingConsumerPollStrategy {

  private static final Logger LOG = LoggerFactory.getLogger("caravan");

  private final Ledger ledger;
  private final AtomicInteger taken = new AtomicInteger();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final java.util.Map<String, java.time.Instant> lastPolls =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Map<String, String> pollProblems =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Why the last poll of a source failed, per source whose last poll failed (for the health). */
  public java.util.Map<String, String> pollProblems() {
    return java.util.Map.copyOf(pollProblems);
  }

  /** The last poll that worked, per source (for the metrics). */
  public java.util.Map<String, java.time.Instant> lastPolls() {
    return java.util.Map.copyOf(lastPolls);
  }

  private final java.util.Map<String, dev.caravan.intake.IntakeGate> gates;
  private final LandingSpace space;
  private final PollBatch batch;
  private final java.util.Map<String, IdempotentRepository> offered;

  /**
   * @param gates the stability gate of each polled folder's intake, by source, told where each poll
   *     begins and ends
   * @param space asked before each poll
   * @param batch each poll's files recorded in a few ledger commits (for a source that leaves its
   *     files in place)
   * @param offered what each source's consumer has offered already, by source: forgotten when a
   *     batch's commit failed, so that its files are offered again
   */
  public FileOutcome(
      Ledger ledger,
      java.util.Map<String, dev.caravan.intake.IntakeGate> gates,
      LandingSpace space,
      PollBatch batch,
      java.util.Map<String, IdempotentRepository> offered) {
    this.ledger = ledger;
    this.gates = java.util.Map.copyOf(gates);
    this.space = space;
    this.batch = batch;
    this.offered = java.util.Map.copyOf(offered);
  }

  /** Whether landing has room; a full landing pauses the intakes (see the health). */
  public LandingSpace space() {
    return space;
  }

  /** The stability gates, by source. */
  public java.util.Collection<dev.caravan.intake.IntakeGate> gates() {
    return gates.values();
  }

  /** The file went through the flow: DONE in the ledger unless it failed or is a duplicate. */
  public void done(Exchange exchange) {
    Message m = exchange.getMessage();
    long id = m.getHeader(FileHeaders.FILE_ID, Long.class);
    String truncated = m.getHeader(FileHeaders.TRUNCATED, String.class);
    if (truncated != null) {
      ledger.failed(id, truncated);
    }
    FileState state = ledger.finish(id);
    String what = m.getHeader("CaravanDecoded", "not decoded", String.class);
    String path = m.getHeader(FileHeaders.SOURCE_PATH, String.class);
    switch (state) {
      case DUPLICATE -> duplicates.incrementAndGet();
      case FAILED -> failed.incrementAndGet();
      default -> taken.incrementAndGet();
    }
    if (state == FileState.FAILED) {
      LOG.warn(
          "{} [file {}]: FAILED, raw kept and archived; see 'caravan ledger show {}'",
          path,
          id,
          id);
    } else {
      LOG.info(
          "{} [file {}]: {}, {}", path, id, state.name().toLowerCase(java.util.Locale.ROOT), what);
    }
  }

  @Override
  public boolean begin(Consumer consumer, Endpoint endpoint) {
    if (!space.hasRoom()) {
      return false; // nothing listed or claimed while landing is full
    }
    var gate = gates.get(source(endpoint));
    if (gate != null) {
      gate.pollBegins();
    }
    // a consumer that deletes or moves each file as its exchange ends would do so before the
    // batch's commit: its files are recorded one commit each
    if (endpoint instanceof GenericFileEndpoint<?> files && files.isNoop()) {
      try {
        batch.begin();
      } catch (LedgerException e) {
        LOG.warn("poll of {}: no ledger transaction for the poll: {}", endpoint, e.toString());
      }
    }
    return true;
  }

  /** Ends the poll's batch; if some of its files could not be recorded, they are offered again. */
  private void endBatch(String source) {
    if (!batch.end()) {
      IdempotentRepository seen = offered.get(source);
      if (seen != null) {
        seen.clear(); // the ledger, not this memory, decides what is new: a re-offer costs a hash
      }
    }
  }

  @Override
  public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
    // file: is the local inbox, sftp: the SFTP source (their routes set the same source names)
    String source = source(endpoint);
    endBatch(source);
    lastPolls.put(source, java.time.Instant.now());
    var gate = gates.get(source);
    if (gate != null) {
      gate.pollListedAll();
    }
    pollProblems.remove(source);
    if (polledMessages > 0) {
      LOG.info(
          "poll of {}: {} file(s) looked at; so far {} taken, {} duplicate(s), {} failed",
          endpoint.getEndpointBaseUri(),
          polledMessages,
          taken.get(),
          duplicates.get(),
          failed.get());
    }
  }

  @Override
  public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
    endBatch(source(endpoint)); // the files taken before the failure are through: recorded
    // A listing error is never "no new files": say so loudly, and poll again next time.
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // the root says why (e.g. "Auth fail"); the top says where
    String why = root == cause ? cause.toString() : cause + " (" + root + ")";
    if (endpoint instanceof org.apache.camel.component.file.remote.SftpEndpoint sftp) {
      var c = sftp.getConfiguration();
      why =
          dev.caravan.deliver.SftpHostKeys.explain(
                  cause, c.getHost(), c.getPort(), c.getKnownHostsFile(), c.getConnectTimeout())
              .orElse(why);
    }
    LOG.error("poll of {} failed: {}", endpoint.getEndpointBaseUri(), why);
    pollProblems.put(source(endpoint), why);
    return false;
  }

  private static String source(Endpoint endpoint) {
    String scheme = endpoint.getEndpointUri().replaceFirst(":.*", "");
    return "file".equals(scheme) ? "local" : scheme;
  }
}
