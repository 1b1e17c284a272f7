package dev.caravan.ledger;

import java.time.Instant;

/** One entry of a file's history. */
public record EventRow(Instant at, String event, String detail) {}
