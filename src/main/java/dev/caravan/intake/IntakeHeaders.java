package dev.caravan.intake;

/** Message headers the flow sets on a file as it goes (names as the YAML routes use them). */
public final class IntakeHeaders {
  /** Which intake took the file, e.g. {@code local}. Set by the intake route. */
  public static final String SOURCE = "CaravanSource";

  /** The source's own id of the file: its path relative to the watched folder. */
  public static final String SOURCE_PATH = "CaravanSourcePath";

  public static final String NAME = "CaravanName";
  public static final String SIZE = "CaravanSize";
  public static final String SHA256 = "CaravanSha256";

  /** dslog, dsevents or other. */
  public static final String KIND = "CaravanKind";

  /** The idempotent key: {@link dev.caravan.ledger.FileKey#encode()}. */
  public static final String KEY = "CaravanFileKey";

  /** The ledger id, once taken. */
  public static final String FILE_ID = "CaravanFileId";

  /** The landed copy. */
  public static final String LANDING_PATH = "CaravanLandingPath";

  /** A DS log's header time (an Instant), when the file is one. */
  public static final String LOG_START = "CaravanLogStart";

  /** True when the same content was already taken under another path. */
  public static final String DUPLICATE = "CaravanDuplicate";

  private IntakeHeaders() {}
}
