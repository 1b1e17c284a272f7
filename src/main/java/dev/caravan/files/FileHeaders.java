package dev.caravan.files;

/**
 * Message headers (and the one exchange property) the flow sets on a file as it goes, from intake
 * to delivery: names as the YAML routes use them.
 */
public final class FileHeaders {
  /** Which intake took the file, e.g. {@code local}. Set by the intake route. */
  public static final String SOURCE = "CaravanSource";

  /** The source's own id of the file: its path relative to the watched folder. */
  public static final String SOURCE_PATH = "CaravanSourcePath";

  public static final String NAME = "CaravanName";
  public static final String SIZE = "CaravanSize";
  public static final String SHA256 = "CaravanSha256";

  /** dslog, dsevents or other. */
  public static final String KIND = "CaravanKind";

  /** The idempotent key: source, path and SHA-256 as the ledger encodes them ({@code FileKey}). */
  public static final String KEY = "CaravanFileKey";

  /** The ledger id, once taken. */
  public static final String FILE_ID = "CaravanFileId";

  /**
   * A copy of the file in landing whose bytes are the SHA-256 identified (the intake's, or a
   * download's that hashed as it wrote): the landing step renames it into place instead of copying.
   */
  public static final String STAGED = "CaravanStaged";

  /** The landed copy. */
  public static final String LANDING_PATH = "CaravanLandingPath";

  /** A DS log's header time (an Instant), when the file is one. */
  public static final String LOG_START = "CaravanLogStart";

  /** True when the same content was already taken under another path. */
  public static final String DUPLICATE = "CaravanDuplicate";

  /**
   * What a derived file is ({@code csv}, {@code events.csv}, {@code summary.json}); raw if unset.
   */
  public static final String ARTIFACT = "CaravanArtifact";

  /** The SHA-256 of the derived file in the body. */
  public static final String ARTIFACT_SHA256 = "CaravanArtifactSha256";

  /**
   * Set (to the reason) when a log was truncated: its complete part is delivered, then it fails.
   */
  public static final String TRUNCATED = "CaravanTruncated";

  /**
   * A folder the derived file in the body goes to at every destination, instead of the day's
   * ({@code kind=dslog/team=…/year=…/month=…/day=…} for Parquet); unset for the day's folder.
   */
  public static final String PARTITION = "CaravanPartition";

  /** The exchange property holding a log's insight tally, filled as the decode reads it. */
  public static final String TALLY = "CaravanTally";

  private FileHeaders() {}
}
