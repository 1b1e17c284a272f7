package dev.caravan.ledger;

import java.time.Instant;

/** One row of the {@code files} table. */
public record FileRow(
    long id,
    String source,
    String sourcePath,
    String name,
    long size,
    String sha256,
    String kind,
    Instant firstSeen,
    FileState state,
    String landingPath,
    Instant logStart,
    String decoderVersion,
    Long duplicateOf,
    String error) {}
