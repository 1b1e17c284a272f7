package dev.caravan.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings that point the application at the test servers, written once: for an in-process app
 * ({@code AppHarness.setAll}), a properties file, or a child process's environment ({@link #env}).
 */
public final class TestConfig {

  private TestConfig() {}

  /** An SFTP destination (or source, with {@code name} "sftp-intake") on the test server. */
  public static Map<String, String> sftp(String name, SftpTestServer server, String base) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("caravan." + name + ".enabled", "true");
    c.put("caravan." + name + ".host", "127.0.0.1");
    c.put("caravan." + name + ".port", Integer.toString(server.port()));
    c.put("caravan." + name + ".user", SftpTestServer.USER);
    c.put("caravan." + name + ".password", SftpTestServer.PASSWORD);
    c.put("caravan." + name + ".strict-host-key-checking", "no");
    c.put("caravan." + name + (name.equals("sftp-intake") ? ".folder" : ".base"), base);
    return c;
  }

  /** The shipped S3 destination on {@code bucket} at {@code endpoint} (the store or a proxy). */
  public static Map<String, String> s3(String endpoint, String bucket) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("caravan.s3.enabled", "true");
    c.put("caravan.s3.endpoint", endpoint);
    c.put("caravan.s3.bucket", bucket);
    c.put("caravan.s3.path-style", "true");
    c.put("caravan.s3.access-key", S3TestServer.ACCESS_KEY);
    c.put("caravan.s3.secret-key", S3TestServer.SECRET_KEY);
    return c;
  }

  /** The Drive intake on the fake, folder "Robot logs", polling fast. */
  public static Map<String, String> drive(FakeDrive fake, Path keyFile) throws Exception {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("caravan.drive.enabled", "true");
    c.put("caravan.drive.root-url", fake.rootUrl());
    c.put("caravan.drive.folder-name", "Robot logs");
    c.put("caravan.drive.service-account-key", fake.serviceAccountKey(keyFile).toString());
    c.put("caravan.drive.poll-interval", "300");
    c.put("caravan.drive.min-age", "PT1M");
    c.put("caravan.drive.backoff", "10");
    c.put("caravan.drive.backoff-max", "50");
    return c;
  }

  /**
   * The same settings as environment variables ({@code caravan.s3.secret-key}:
   * CARAVAN_S3_SECRET_KEY).
   */
  public static Map<String, String> env(Map<String, String> config) {
    Map<String, String> env = new LinkedHashMap<>();
    config.forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    return env;
  }

  /** The same settings as a properties file's text. */
  public static String properties(Map<String, String> config) {
    StringBuilder text = new StringBuilder();
    config.forEach(
        (k, v) -> text.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
    return text.toString();
  }
}
