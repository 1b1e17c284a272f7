package dev.caravan.ledger;

/** Where one copy of one file stands, the {@code state} column of {@code deliveries}. */
public enum DeliveryState {
  /** Waiting to be claimed (a claim is a lease on a PENDING or FAILED row, not a state). */
  PENDING,
  /** The last attempt failed; claimed again after its backoff. */
  FAILED,
  /** The copy is at its destination and proven by reading it back. */
  VERIFIED,
  /** Given up on until an operator re-queues it. */
  QUARANTINED
}
