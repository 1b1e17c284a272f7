package dev.caravan.ledger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An intake poll's files recorded in a few ledger commits instead of one each: between {@link
 * #begin} and {@link #end} (the poll), each file's landing, queued deliveries, decoding and outcome
 * go into one open transaction (each file a savepoint in it, see {@link OneCommit}), committed once
 * it holds {@code maxFiles} files or is {@code maxMillis} old, and at the end of the poll. The
 * limits keep a long poll from holding back its first files' deliveries, which begin only at the
 * commit.
 *
 * <p>The files' claims are part of the batch too. Two intakes landing the same bytes, each in a
 * batch of its own, still see each other: the second waits on the content's row ({@link
 * Ledger#landed}) until the first commits, and is its duplicate. A kill before a commit leaves
 * nothing of the batch's files in the ledger: the next poll takes them again (their landing copies
 * are content-addressed and landed again). Nor does a commit that fails; {@link #end} then says so,
 * for the intake to offer them again.
 *
 * <p>Only for a source that leaves its files in place while they are taken (noop): one that deletes
 * or moves a file when its exchange ends would do so before the commit.
 */
public final class PollBatch {

  private static final Logger LOG = LoggerFactory.getLogger(PollBatch.class);

  private final OneCommit commits;
  private final int maxFiles;
  private final long maxNanos;
  private final ThreadLocal<Open> open = new ThreadLocal<>();

  /** The files of this thread's batch since its last commit. */
  private static final class Open {
    final List<String> keys = new ArrayList<>();
    long since = System.nanoTime();
    boolean lost;
  }

  public PollBatch(Ledger ledger, int maxFiles, long maxMillis) {
    if (maxFiles < 1 || maxMillis < 0) {
      throw new IllegalArgumentException("a batch holds at least one file, for 0 ms or more");
    }
    this.commits = ledger.commits();
    this.maxFiles = maxFiles;
    this.maxNanos = maxMillis * 1_000_000;
  }

  /** Opens this thread's batch: its ledger calls from now on are part of it. */
  public void begin() {
    if (active()) {
      end(); // left open by a poll that ended in an Error, not an exception
    }
    try {
      commits.begin();
    } catch (SQLException e) {
      throw new LedgerException("cannot begin a ledger transaction", e);
    }
    open.set(new Open());
  }

  /** Whether this thread has a batch open. */
  public boolean active() {
    return open.get() != null;
  }

  /**
   * One file of this thread's batch is through (whatever its outcome): commits if the batch is now
   * full or old enough. Never throws: a failed commit is logged, and {@link #end} says so.
   */
  public void fileDone(String key) {
    Open o = open.get();
    if (o == null) {
      return;
    }
    o.keys.add(key);
    if (o.keys.size() >= maxFiles || System.nanoTime() - o.since >= maxNanos) {
      commit(o);
    }
  }

  /**
   * Closes this thread's batch, committing what is left. Returns false if any of its commits
   * failed: the ledger has none of those files, and the intake should offer them again.
   */
  public boolean end() {
    Open o = open.get();
    if (o == null) {
      return true;
    }
    commit(o);
    open.remove();
    try {
      commits.end(true); // nothing is left to commit: this gives the connection back
    } catch (SQLException e) {
      LOG.warn("the ledger connection of an intake poll did not close cleanly", e);
    }
    return !o.lost;
  }

  /** The rest of the poll on a fresh connection; if there is none, one commit per file. */
  private void renew() {
    try {
      commits.end(false);
    } catch (SQLException e) {
      LOG.debug("the failed batch's connection did not close cleanly", e);
    }
    try {
      commits.begin();
    } catch (SQLException e) {
      LOG.warn("no ledger transaction for the rest of the poll: {}", e.toString());
    }
  }

  private void commit(Open o) {
    if (o.keys.isEmpty()) {
      return;
    }
    try {
      commits.commitBound();
    } catch (SQLException | RuntimeException e) {
      o.lost = true;
      LOG.error(
          "the ledger could not record {} file(s) taken in this poll; they are taken again: {}",
          o.keys.size(),
          o.keys,
          e);
      renew(); // its connection may be gone (the database restarted)
    }
    o.keys.clear();
    o.since = System.nanoTime();
  }
}
