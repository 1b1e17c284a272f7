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

  public static final String DEFAULT_ROOT_URL = "https://www.googleapis.com/";

  public static DriveSettings from(Function<String, String> lookup) {
    Function<String, String> get =
        k -> {
          String v = lookup.apply(k);
          return v == null || v.isBlank() ? null : v.trim();
        };
    String root = orElse(get.apply("caravan.drive.root-url"), DEFAULT_ROOT_URL);
    String key = get.apply("caravan.drive.service-account-key");
    String token = get.apply("caravan.drive.token-file");
    return new DriveSettings(
        root.endsWith("/") ? root : root + "/",
        get.apply("caravan.drive.folder-id"),
        get.apply("caravan.drive.folder-name"),
        Boolean.parseBoolean(orElse(get.apply("caravan.drive.recursive"), "true")),
        Pattern.compile(orElse(get.apply("caravan.drive.include"), ".*\\.(dslog|dsevents|wpilog)")),
        key == null ? null : Path.of(key),
        token == null ? null : Path.of(token),
        Duration.parse(orElse(get.apply("caravan.drive.min-age"), "PT10M")),
        Integer.parseInt(orElse(get.apply("caravan.drive.retries"), "6")),
        Duration.ofMillis(Long.parseLong(orElse(get.apply("caravan.drive.backoff"), "1000"))),
        Duration.ofMillis(Long.parseLong(orElse(get.apply("caravan.drive.backoff-max"), "64000"))),
        Integer.parseInt(orElse(get.apply("caravan.drive.timeout"), "60000")),
        Integer.parseInt(orElse(get.apply("caravan.drive.page-size"), "1000")));
  }

  private static String orElse(String v, String d) {
    return v == null ? d : v;
  }
}
