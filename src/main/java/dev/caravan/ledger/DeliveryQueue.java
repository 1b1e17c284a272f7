package dev.caravan.ledger;

import dev.caravan.files.Backoff;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The deliveries table as a queue. Each artifact of a file gets a row per destination; each
 * destination's route claims its due rows with a lease (an update that only one claimant can win),
 * copies, verifies, and records the outcome. Failures come back after an exponential backoff with
 * jitter and a cap; after the maximum attempts, or at once for a permanent cause seen twice (a
 * refused login), a delivery is {@code QUARANTINED} until an operator re-queues it.
 */
public final class DeliveryQueue {

  /**
   * @param maxAttempts attempts before quarantine
   * @param backoff the first wait after a failure, doubled each time
   * @param backoffMax the longest wait
   * @param lease how long a claim holds before another claimant may take the row (a stopped app)
   */
  public record Policy(int maxAttempts, Duration backoff, Duration backoffMax, Duration lease) {
    /** The defaults of {@code config/application.properties}. */
    public static final Policy DEFAULT =
        new Policy(8, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofMinutes(5));
  }

  private final Ledger ledger;
  private final DataSource dataSource;
  private final Policy policy;
  private final String worker;
  // asked once: claims run every poll interval on every destination
  private volatile Boolean postgres;

  public DeliveryQueue(Ledger ledger, Policy policy) {
    this(ledger, policy, "caravan");
  }

  /**
   * @param worker this app's name among the apps sharing the ledger, recorded on the deliveries it
   *     claims
   */
  public DeliveryQueue(Ledger ledger, Policy policy, String worker) {
    this.ledger = ledger;
    this.dataSource = ledger.dataSource();
    this.policy = policy;
    this.worker = worker;
  }

  /** Queues an artifact for every destination; rows already queued stay as they are. */
  public void enqueue(
      long fileId,
      String artifact,
      Path local,
      String name,
      String sha256,
      long size,
      Instant logStart,
      Collection<String> destinations) {
    Timestamp now = Timestamp.from(Instant.now());
    // every destination's row and the file's event in one commit
    ledger.transaction(
        artifact + " of file " + fileId + " queued",
        c -> {
          for (String destination : destinations) {
            // a row there already (a retry) is kept; the savepoint keeps PostgreSQL's transaction
            // usable after the refused insert
            java.sql.Savepoint before = c.setSavepoint();
            try {
              Jdbc.update(
                  c,
                  "INSERT INTO deliveries (file_id, artifact, destination, state, attempts,"
                      + " local_path, name, sha256, size, log_start, next_attempt_at, updated_at)"
                      + " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                  fileId,
                  artifact,
                  destination,
                  DeliveryState.PENDING,
                  local.toString(),
                  name,
                  sha256,
                  size,
                  logStart == null ? null : Timestamp.from(logStart),
                  now,
                  now);
              c.releaseSavepoint(before);
            } catch (SQLException e) {
              if (!Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
              }
              c.rollback(before);
            }
          }
          Ledger.event(c, fileId, "queued", artifact + " for " + String.join(", ", destinations));
          return null;
        });
  }

  /**
   * Claims up to {@code max} due deliveries to {@code destination} (never of a locked file). Each
   * row is won by one claimant only (the lease is set only where none holds), whatever the number
   * of apps; on PostgreSQL, rows another app is claiming at the same moment are skipped rather than
   * waited for ({@code FOR UPDATE SKIP LOCKED}), so apps sharing a queue do not contend.
   */
  public List<Delivery> claim(String destination, int max) {
    Instant now = Instant.now();
    List<Delivery> claimed = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      if (postgres == null) {
        postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
      }
      boolean postgres = this.postgres;
      c.setAutoCommit(false);
      List<Delivery> due = new ArrayList<>();
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT d.id, d.file_id, d.artifact, d.destination, d.local_path, d.name, d.sha256,"
                  + " d.size, d.log_start, d.attempts, d.claimed_by FROM deliveries d JOIN files f"
                  + " ON f.id ="
                  + " d.file_id WHERE d.destination = ? AND d.state IN (?, ?) AND d.next_attempt_at"
                  + " <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?) AND f.locked = FALSE"
                  + " ORDER BY d.next_attempt_at, d.id"
                  + (postgres ? " LIMIT ? FOR UPDATE OF d SKIP LOCKED" : ""))) {
        s.setString(1, destination);
        s.setString(2, DeliveryState.PENDING.name());
        s.setString(3, DeliveryState.FAILED.name());
        s.setTimestamp(4, Timestamp.from(now));
        s.setTimestamp(5, Timestamp.from(now));
        if (postgres) {
          s.setInt(6, max);
        }
        s.setMaxRows(max);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            Timestamp start = rs.getTimestamp(9);
            due.add(
                new Delivery(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    Path.of(rs.getString(5)),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getLong(8),
                    start == null ? null : start.toInstant(),
                    rs.getInt(10),
                    rs.getInt(10) == 0 && rs.getString(11) == null));
          }
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE deliveries SET claimed_until = ?, claimed_by = ? WHERE id = ? AND"
                  + " (claimed_until IS NULL OR claimed_until < ?)")) {
        for (Delivery d : due) {
          s.setTimestamp(1, Timestamp.from(now.plus(policy.lease())));
          s.setString(2, worker);
          s.setLong(3, d.id());
          s.setTimestamp(4, Timestamp.from(now));
          if (s.executeUpdate() == 1) {
            claimed.add(d);
          }
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new LedgerException("cannot claim deliveries to " + destination, e);
    }
    return claimed;
  }

  /** A copy read back from its destination and found equal to the artifact, to be recorded. */
  public record Verified(Delivery delivery, String remotePath, String method) {}

  /** The copy was read back from the destination and equals the artifact. */
  public void verified(Delivery d, String remotePath, String method) {
    verifiedAll(List.of(new Verified(d, remotePath, method)));
  }

  /**
   * The copies of one delivery batch, read back and equal, recorded in one commit (each delivery's
   * state and its file's event). A stop before it leaves them claimed: retried when the lease runs
   * out, they are found there with the same bytes and recorded then.
   */
  public void verifiedAll(List<Verified> copies) {
    if (copies.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(Instant.now());
    ledger.transaction(
        copies.size() + " verified deliveries",
        c -> {
          for (Verified v : copies) {
            Delivery d = v.delivery();
            Jdbc.update(
                c,
                "UPDATE deliveries SET state = ?, attempts = attempts + 1, remote_path = ?,"
                    + " verified_at = ?, verify_method = ?, last_error = NULL, error_class = NULL,"
                    + " claimed_until = NULL, updated_at = ? WHERE id = ?",
                DeliveryState.VERIFIED,
                v.remotePath(),
                now,
                v.method(),
                now,
                d.id());
            Ledger.event(
                c,
                d.fileId(),
                "delivered",
                d.artifact()
                    + " to "
                    + d.destination()
                    + ":"
                    + v.remotePath()
                    + " (verified by "
                    + v.method()
                    + ", on "
                    + worker
                    + ")");
          }
          return null;
        });
  }

  /**
   * Records a failed attempt; returns the new state: {@code FAILED} (retried after the backoff) or
   * {@code QUARANTINED}.
   */
  public DeliveryState failed(Delivery d, String errorClass, boolean permanent, String message) {
    int attempts = d.attempts() + 1;
    boolean quarantine = attempts >= policy.maxAttempts() || (permanent && attempts >= 2);
    Instant next = Instant.now().plus(backoff(attempts));
    Timestamp now = Timestamp.from(Instant.now());
    DeliveryState state = quarantine ? DeliveryState.QUARANTINED : DeliveryState.FAILED;
    update(
        "UPDATE deliveries SET state = ?, attempts = ?, last_error = ?, error_class = ?,"
            + " next_attempt_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ?",
        state,
        attempts,
        clip(message),
        errorClass,
        Timestamp.from(next),
        now,
        d.id());
    ledger.event(
        d.fileId(),
        quarantine ? "quarantined" : "delivery-failed",
        d.artifact()
            + " to "
            + d.destination()
            + " (attempt "
            + attempts
            + ", "
            + errorClass
            + "): "
            + message);
    return state;
  }

  /** The wait before the next attempt after {@code attempts} failures ({@link Backoff}). */
  Duration backoff(int attempts) {
    return new Backoff(policy.backoff(), policy.backoffMax()).after(attempts);
  }

  /**
   * Puts quarantined deliveries back in the queue, all or those of one destination and/or one file.
   * Returns how many.
   */
  public int requeue(String destination, Long fileId) {
    return requeue(destination, fileId, null);
  }

  /** Puts one quarantined delivery back in the queue (the console's requeue); 1 if it was. */
  public int requeue(long deliveryId) {
    return requeue(null, null, deliveryId);
  }

  private int requeue(String destination, Long fileId, Long deliveryId) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Object> args =
        new ArrayList<>(List.of(DeliveryState.PENDING, now, now, DeliveryState.QUARANTINED));
    StringBuilder sql =
        new StringBuilder(
            "UPDATE deliveries SET state = ?, attempts = 0, next_attempt_at = ?, claimed_until ="
                + " NULL, updated_at = ? WHERE state = ?");
    if (destination != null) {
      sql.append(" AND destination = ?");
      args.add(destination);
    }
    if (fileId != null) {
      sql.append(" AND file_id = ?");
      args.add(fileId);
    }
    if (deliveryId != null) {
      sql.append(" AND id = ?");
      args.add(deliveryId);
    }
    return update(sql.toString(), args.toArray());
  }

  /** What {@link #backfill} did: deliveries queued, and artifacts whose local copy is gone. */
  public record Backfill(int queued, List<String> unavailable) {}

  /**
   * Queues for {@code destination} every artifact of the ledger's files (first seen at or after
   * {@code since}, if given) that has no delivery there yet: a destination added after files were
   * taken gets them too. An artifact whose local copy is gone (retention, or removed by hand)
   * cannot be queued, and is reported.
   */
  public Backfill backfill(String destination, Instant since) {
    record Candidate(
        long fileId,
        String artifact,
        String local,
        String name,
        String sha256,
        long size,
        Timestamp logStart) {}
    List<Candidate> candidates = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                // one row per artifact (its first delivery), where none goes to the destination
                "SELECT d.file_id, d.artifact, d.local_path, d.name, d.sha256, d.size, d.log_start"
                    + " FROM deliveries d JOIN files f ON f.id = d.file_id WHERE d.id = (SELECT"
                    + " MIN(y.id) FROM deliveries y WHERE y.file_id = d.file_id AND y.artifact ="
                    + " d.artifact) AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.file_id ="
                    + " d.file_id AND x.artifact = d.artifact AND x.destination = ?) AND"
                    + " f.first_seen >= ? ORDER BY d.file_id, d.id")) {
      s.setString(1, destination);
      s.setTimestamp(2, Timestamp.from(since == null ? Instant.EPOCH : since));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          candidates.add(
              new Candidate(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getLong(6),
                  rs.getTimestamp(7)));
        }
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot find what " + destination + " lacks", e);
    }
    int queued = 0;
    List<String> unavailable = new ArrayList<>();
    for (Candidate x : candidates) {
      Path local = Path.of(x.local());
      if (!java.nio.file.Files.isRegularFile(local)) {
        unavailable.add("file " + x.fileId() + " " + x.artifact() + ": " + local);
        continue;
      }
      enqueue(
          x.fileId(),
          x.artifact(),
          local,
          x.name(),
          x.sha256(),
          x.size(),
          x.logStart() == null ? null : x.logStart().toInstant(),
          List.of(destination));
      queued++;
    }
    return new Backfill(queued, unavailable);
  }

  /** Queues a verified delivery again (its copy went missing or changed at the destination). */
  public void redeliver(long deliveryId, String reason) {
    Timestamp now = Timestamp.from(Instant.now());
    update(
        "UPDATE deliveries SET state = ?, attempts = 0, last_error = ?, error_class = ?,"
            + " next_attempt_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ?",
        DeliveryState.PENDING,
        clip(reason),
        "mismatch",
        now,
        now,
        deliveryId);
  }

  /** Deliveries still to do (pending or failed and waiting to be retried). */
  public int backlog() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE state IN (?, ?)")) {
      s.setString(1, DeliveryState.PENDING.name());
      s.setString(2, DeliveryState.FAILED.name());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot count the backlog", e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      Jdbc.bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new LedgerException("delivery update failed: " + sql, e);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= 4000 ? s : s.substring(0, 3999) + "…";
  }
}
