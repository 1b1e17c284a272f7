package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands read the configuration as the app does. */
class SettingsTest {

  @TempDir Path tmp;

  @Test
  void defaultsThenFileThenSystemPropertiesWithPlaceholders() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("app.properties"),
            "caravan.data = /srv/caravan\ncaravan.archive = {{caravan.data}}/archive\n");
    Settings s = Settings.load(file);
    assertThat(s.get("caravan.inbox")).isEqualTo("inbox");
    assertThat(s.get("caravan.archive")).isEqualTo("/srv/caravan/archive");
    assertThat(Ledger.url(s.get("caravan.db.url"), Path.of(s.get("caravan.data"))))
        .isEqualTo("jdbc:h2:file:/srv/caravan/ledger;AUTO_SERVER=TRUE");
    System.setProperty("caravan.data", "/elsewhere");
    try {
      assertThat(Settings.load(file).get("caravan.archive")).isEqualTo("/elsewhere/archive");
    } finally {
      System.clearProperty("caravan.data");
    }
  }

  /**
   * The operator's file wins over the jar's defaults in the running application too, not only in
   * the admin commands (it did not: Camel takes a key from the first location that has it).
   */
  @Test
  void theConfigFileWinsOverTheJarsDefaultsInTheApplication() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("app.properties"), "caravan.decode.columns = time_utc,battery_v\n");
    try (AppHarness app = new AppHarness(tmp, null).config(file).start()) {
      Files.copy(
          dev.caravan.testing.Samples.dslog(dev.caravan.testing.Samples.NONE),
          app.inbox.resolve("none.dslog"));
      app.awaitFiles(1);
      String csv = Files.readString(app.archive.resolve("2022/03/01/none.v1.csv"));
      assertThat(csv.substring(0, csv.indexOf('\n'))).isEqualTo("time_utc,battery_v");
    }
    assertThat(Settings.load(file).get("caravan.decode.columns")).isEqualTo("time_utc,battery_v");
  }
}
