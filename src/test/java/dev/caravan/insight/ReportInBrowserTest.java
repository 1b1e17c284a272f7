package dev.caravan.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.caravan.testing.Cli;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * {@code caravan report} on the 2026 samples, opened from disk in Debian's headless Chromium (its
 * own chromedriver; nothing is downloaded): no console error, every plot's canvas drawn, and the
 * numbers on the page equal to the matches' summaries worked out here.
 */
class ReportInBrowserTest {

  @Test
  void theReportOpensOfflineDrawsEveryPlotAndShowsTheSummaries() throws Exception {
    Path out = Files.createDirectories(Path.of("target", "report-test"));
    Path report = out.resolve("report.html");
    Cli.run(0, "report", Samples.MATCHES.toString(), "--out", report.toString());
    String html = Files.readString(report);
    assertThat(html).doesNotContainPattern("(src|href)=\"https?:");

    // the matches as the definitions give them, from the logs read here
    List<SeasonTable.Row> rows = new java.util.ArrayList<>();
    long id = 0;
    try (var files = Files.list(Samples.MATCHES)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".dslog")).sorted().toList()) {
        LogReading r = LogReading.of(log);
        String name = log.getFileName().toString();
        MatchInfo info =
            MatchInfo.read(
                log.resolveSibling(name.replace(".dslog", ".dsevents")),
                java.util.regex.Pattern.compile("BAT-\\d{4}-\\d{3}"));
        rows.add(
            new SeasonTable.Row(
                ++id,
                name,
                "file",
                log.toString(),
                r.start(),
                r.start().atZone(java.time.ZoneId.systemDefault()).toLocalDate(),
                info,
                r.tally()));
      }
    }
    List<Season.Match> matches = Season.matches(rows);
    assertThat(matches).hasSize(5);

    ChromeDriver browser =
        dev.caravan.testing.Chromium.start(Files.createTempDirectory("chromium"));
    try {
      browser.get(report.toUri().toString());
      dev.caravan.app.AppHarness.await(
          Duration.ofSeconds(20),
          "the plots drawn",
          () -> browser.findElements(By.cssSelector("section.match canvas")).size() >= 15);
      List<WebElement> sections = browser.findElements(By.cssSelector("section.match"));
      assertThat(sections).hasSize(5);
      for (int k = 0; k < sections.size(); k++) {
        WebElement s = sections.get(k);
        Season.Match m = matches.get(k);
        assertThat(s.findElement(By.tagName("h2")).getText()).isEqualTo(m.label());
        Map<String, Object> summary = m.toMap();
        for (WebElement v : s.findElements(By.cssSelector("[data-key]"))) {
          String key = v.getAttribute("data-key");
          Object want = summary.get(key);
          String got = v.getAttribute("data-value");
          if (want == null) {
            assertThat(got).as(m.label() + " " + key).isEqualTo("null");
          } else if (want instanceof Number n) {
            assertThat(Double.parseDouble(got))
                .as(m.label() + " " + key)
                .isCloseTo(n.doubleValue(), within(1e-9));
            // what a person reads: the same number to 4 decimals
            assertThat(Double.parseDouble(v.getText()))
                .as(m.label() + " " + key + " shown")
                .isCloseTo(n.doubleValue(), within(5.1e-5));
          } else {
            assertThat(got).as(m.label() + " " + key).isEqualTo(want.toString());
          }
        }
        // every plot drawn: many non-blank pixels on each canvas
        List<WebElement> canvases = s.findElements(By.tagName("canvas"));
        assertThat(canvases).hasSize(3);
        for (WebElement c : canvases) {
          Long inked =
              (Long)
                  browser.executeScript(
                      "const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width,"
                          + " c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if"
                          + " (d[i] > 0) n++; return n;",
                      c);
          assertThat(inked).as(m.label() + " canvas pixels drawn").isGreaterThan(2000L);
        }
      }
      List<LogEntry> errors =
          browser.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
              .toList();
      assertThat(errors).as("console errors").isEmpty();
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1200, 2400));
      Files.write(out.resolve("report.png"), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.quit();
    }
  }
}
