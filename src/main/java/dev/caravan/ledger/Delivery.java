package dev.caravan.ledger;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A claimed delivery: copy {@code local} (an artifact of a file) to {@code destination}, where it
 * must hash to {@code sha256}.
 *
 * @param artifact raw, csv or events.csv
 * @param name the artifact's file name
 * @param logStart a DS log's header time (for the destination's layout), or null
 * @param attempts attempts made before this one
 * @param firstTry never claimed before (by any app): nothing of it can be at the destination yet
 */
public record Delivery(
    long id,
    long fileId,
    String artifact,
    String destination,
    Path local,
    String name,
    String sha256,
    long size,
    Instant logStart,
    int attempts,
    boolean firstTry) {}
