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
}
