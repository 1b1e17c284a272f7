package dev.caravan.ledger;

import java.time.Instant;

/** One row of the {@code deliveries} table. */
public record DeliveryRow(
    long id,
    long fileId,
    String fileName,
    String artifact,
    String destination,
    DeliveryState state,
    int attempts,
    String lastError,
    long size,
    String sha256,
    String remotePath,
    Instant verifiedAt,
    String verifyMethod,
    String errorClass) {}
