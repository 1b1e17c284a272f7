package dev.caravan.intake.drive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Google Drive intake's settings ({@code caravan.drive.*}), read from a key lookup that returns
 * null for a missing key, so the application and the {@code drive login} command read them alike.
 *
 * @param rootUrl the API root, Google's unless pointed at a proxy or a test server
 * @param folderId the folder to poll, by id (wins over the name)
 * @param folderName the folder to poll, by name; more than one folder of that name is an error
 * @param serviceAccountKey a service account's JSON key: the first choice
 * @param tokenFile the stored OAuth refresh token of {@code caravan drive login}: the second
 * @param minAge a file older than this is taken at first sight; younger ones must look the same in
 *     two consecutive polls
 * @param retries how often one call is retried after a rate limit, 5xx or a cut connection
 */
public record DriveSettings(
    String rootUrl,
    String folderId,
    String folderName,
    boolean recursive,
    Pattern include,
    Path serviceAccountKey,
    Path tokenFile,
    Duration minAge,
    int retries,
    Duration backoff,
    Duration backoffMax,
    int timeoutMillis,
    int pageSize) {

  /**
   * From the application's properties ({@code caravan.drive.*}). The defaults are in {@code
   * application.properties} only: a key missing here is a packaging error, said by name.
   */
  public static DriveSettings from(Function<String, String> lookup) {
    Function<String, String> get =
        k -> {
          String v = lookup.apply(k);
          return v == null || v.isBlank() ? null : v.trim();
        };
    Function<String, String> required =
        k -> {
          String v = get.apply(k);
          if (v == null) {
            throw new IllegalStateException(
                k + " is not set: its default belongs in application.properties");
          }
          return v;
        };
    String root = required.apply("caravan.drive.root-url");
    String key = get.apply("caravan.drive.service-account-key");
    String token = get.apply("caravan.drive.token-file");
    return new DriveSettings(
        root.endsWith("/") ? root : root + "/",
        get.apply("caravan.drive.folder-id"),
        get.apply("caravan.drive.folder-name"),
        Boolean.parseBoolean(required.apply("caravan.drive.recursive")),
        Pattern.compile(required.apply("caravan.drive.include")),
        key == null ? null : Path.of(key),
        token == null ? null : Path.of(token),
        Duration.parse(required.apply("caravan.drive.min-age")),
        Integer.parseInt(required.apply("caravan.drive.retries")),
        Duration.ofMillis(Long.parseLong(required.apply("caravan.drive.backoff"))),
        Duration.ofMillis(Long.parseLong(required.apply("caravan.drive.backoff-max"))),
        Integer.parseInt(required.apply("caravan.drive.timeout")),
        Integer.parseInt(required.apply("caravan.drive.page-size")));
  }
}
