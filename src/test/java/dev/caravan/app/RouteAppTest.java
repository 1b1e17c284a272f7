package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.csv.DslogCsvWriter;
import dev.caravan.intake.Landing;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.FileRow;
import dev.caravan.testing.Samples;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route application end to end on H2: inbox -> landing -> decode -> archive, with the ledger.
 */
class RouteAppTest {

  @TempDir Path tmp;

  static long csvRows(Path csv) throws Exception {
    try (Reader r = Files.newBufferedReader(csv);
        CSVParser p =
            CSVParser.parse(
                r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      assertThat(p.getHeaderNames()).isEqualTo(DslogCsvWriter.COLUMNS);
      return p.stream().count();
    }
  }

  @Test
  void aDslogGoesRawAndDecodedToTheArchiveVerified() throws Exception {
    try (AppHarness app = new AppHarness(tmp, null).start()) {
      Files.copy(Samples.dslog(Samples.REV), app.inbox.resolve(Samples.REV + ".dslog"));
      try {
        app.awaitFiles(1);
      } catch (AssertionError e) {
        throw new AssertionError(app.history(app.files()), e);
      }
      FileRow f = app.files().get(0);
      assertThat(f.state()).as(f.toString()).isEqualTo("DONE");
      Path dir = app.archive.resolve("2022/02/27");
      Path raw = dir.resolve(Samples.REV + ".dslog");
      Path csv = dir.resolve(Samples.REV + ".v1.csv");
      assertThat(Landing.sha256(raw)).isEqualTo(Landing.sha256(Samples.dslog(Samples.REV)));
      assertThat(csvRows(csv)).isEqualTo(4998);
      List<DeliveryRow> d = app.deliveries();
      assertThat(d).extracting(DeliveryRow::artifact).containsExactly("raw", "csv");
      assertThat(d)
          .allMatch(x -> x.state().equals("VERIFIED") && x.verifyMethod().equals("sha256-reread"));
      assertThat(d.get(1).sha256()).isEqualTo(Landing.sha256(csv));
    }
  }
}
