package dev.caravan.ledger;

/** Where a file taken stands, the {@code state} column of {@code files}. */
public enum FileState {
  /** Taken; its processing has not ended (or a stop cut it: set back to RETRY at start-up). */
  RECEIVED,
  /** Processed; its copies are queued or delivered. */
  DONE,
  /** Its processing failed; the raw file is kept and delivered, the cause is in {@code error}. */
  FAILED,
  /** The same bytes as a file taken before ({@code duplicate_of}); nothing is delivered again. */
  DUPLICATE,
  /** Released for the next poll to take again (a failed attempt, a stop mid-file). */
  RETRY
}
