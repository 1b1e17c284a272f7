package dev.caravan.intake.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.DriveScopes;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.drive.GoogleDriveClientFactory;

/**
 * Builds the Drive client Caravan uses, and is Camel's google-drive component's client factory, so
 * any {@code google-drive:} endpoint an operator adds is authenticated the same way. Credentials,
 * read-only scope: a service account's JSON key first, else the refresh token that {@code caravan
 * drive login} stored. A missing or unreadable credential fails at start-up, naming the file.
 */
public final class DriveClients implements GoogleDriveClientFactory {

  /** Read-only: Caravan never changes or deletes anything on Drive. */
  public static final List<String> SCOPES = List.of(DriveScopes.DRIVE_READONLY);

  private final Drive drive;

  public DriveClients(DriveSettings settings) {
    HttpCredentialsAdapter auth = new HttpCredentialsAdapter(credentials(settings));
    HttpRequestInitializer init =
        request -> {
          auth.initialize(request); // bearer token, and one refresh on a 401
          request.setConnectTimeout(settings.timeoutMillis());
          request.setReadTimeout(settings.timeoutMillis());
        };
    this.drive =
        new Drive.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), init)
            .setRootUrl(settings.rootUrl())
            .setApplicationName("caravan")
            .build();
  }

  public Drive drive() {
    return drive;
  }

  @Override
  public Drive makeClient(
      String clientId,
      String clientSecret,
      Collection<String> scopes,
      String applicationName,
      String refreshToken,
      String accessToken) {
    return drive;
  }

  @Override
  public Drive makeClient(
      CamelContext camelContext,
      String serviceAccountKey,
      Collection<String> scopes,
      String applicationName,
      String delegate) {
    return drive;
  }

  private static GoogleCredentials credentials(DriveSettings s) {
    if (s.serviceAccountKey() != null) {
      Path key = s.serviceAccountKey();
      try (InputStream in = Files.newInputStream(key)) {
        return ServiceAccountCredentials.fromStream(in).createScoped(SCOPES);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "cannot use the Drive service-account key "
                + key
                + " (caravan.drive.service-account-key): "
                + DriveCalls.describe(e)
                + ". Download a JSON key of a service account in the Google Cloud console and"
                + " share the Drive folder with that account's e-mail address.",
            e);
      }
    }
    if (s.tokenFile() != null && Files.exists(s.tokenFile())) {
      return storedToken(s.tokenFile());
    }
    throw new IllegalStateException(
        "the Drive intake has no credential: set caravan.drive.service-account-key"
            + " (CARAVAN_DRIVE_SERVICE_ACCOUNT_KEY) to a service account's JSON key, or run"
            + " `java -jar caravan.jar drive login` once to store a refresh token in "
            + (s.tokenFile() == null ? "caravan.drive.token-file" : s.tokenFile().toString()));
  }

  /** The file {@code caravan drive login} writes (Google's "authorized_user" JSON). */
  static UserCredentials storedToken(Path file) {
    try {
      JsonNode json = new ObjectMapper().readTree(file.toFile());
      UserCredentials.Builder b =
          UserCredentials.newBuilder()
              .setClientId(required(json, "client_id"))
              .setClientSecret(json.path("client_secret").asText(""))
              .setRefreshToken(required(json, "refresh_token"));
      if (json.hasNonNull("token_uri")) {
        b.setTokenServerUri(URI.create(json.get("token_uri").asText()));
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot use the Drive token file "
              + file
              + " (caravan.drive.token-file): "
              + DriveCalls.describe(e)
              + ". Run `java -jar caravan.jar drive login` again to write a new one.",
          e);
    }
  }

  private static String required(JsonNode json, String field) {
    String v = json.path(field).asText("");
    if (v.isEmpty()) {
      throw new IllegalArgumentException("no " + field + " in it");
    }
    return v;
  }
}
