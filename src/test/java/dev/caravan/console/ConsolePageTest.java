package dev.caravan.console;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.app.AppHarness;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The console page in Debian's headless Chromium against the running application: files appear live
 * without a reload, a match's plot is drawn, a requeue is clicked with the token, no console error;
 * screenshots under target/.
 */
class ConsolePageTest {

  @TempDir Path tmp;

  /** The browser's warnings and errors since the last call. */
  static List<LogEntry> severe(ChromeDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .toList();
  }

  /** Clicks the element once it is there, again if the page redrew it in between. */
  static void click(ChromeDriver browser, By what) throws InterruptedException {
    await(
        Duration.ofSeconds(20),
        "to click " + what,
        () -> {
          try {
            List<WebElement> found = browser.findElements(what);
            if (found.isEmpty()) {
              return false;
            }
            found.get(0).click();
            return true;
          } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return false;
          }
        });
  }

  @Test
  void thePageFollowsARunLivePlotsAMatchAndRequeuesWithTheToken() throws Exception {
    int port = ConsoleApiTest.freePort();
    try (AppHarness app =
        new AppHarness(tmp, null)
            .set("camel.server.enabled", "true")
            .set("camel.management.enabled", "true")
            .set("camel.management.port", Integer.toString(port))
            .set("caravan.insight.enabled", "true")
            .set("caravan.insight.report-interval", "3600000")
            .set("caravan.console.token", ConsoleApiTest.TOKEN)
            .set("caravan.console.poll", "100")
            .start()) {
      ChromeDriver browser =
          dev.caravan.testing.Chromium.start(Files.createTempDirectory("chromium"));
      try {
        browser.get("http://127.0.0.1:" + port + "/");
        await(
            Duration.ofSeconds(20),
            "the tiles",
            () -> !browser.findElements(By.cssSelector(".tile")).isEmpty());
        await(
            Duration.ofSeconds(20),
            "the stream connected",
            () -> browser.findElement(By.id("stream")).getText().contains("live"));

        // files arrive while the page is open: they show up without a reload
        String log = "2026_03_29 09_34_29 Sun";
        Files.copy(
            Samples.MATCHES.resolve(log + ".dsevents"), app.inbox.resolve(log + ".dsevents"));
        Files.copy(Samples.MATCHES.resolve(log + ".dslog"), app.inbox.resolve(log + ".dslog"));
        await(
            Duration.ofSeconds(40),
            "the log's events in the live feed",
            () ->
                browser.findElements(By.cssSelector("#feed li")).stream()
                    .anyMatch(
                        li ->
                            li.getText().contains("finished")
                                && li.getText().contains(log + ".dslog")));
        await(
            Duration.ofSeconds(20),
            "the files table",
            () -> browser.findElements(By.cssSelector("#files tbody tr")).size() == 2);
        await(
            Duration.ofSeconds(20),
            "the match listed",
            () ->
                browser.findElements(By.cssSelector("#matches tbody tr")).stream()
                    .anyMatch(tr -> tr.getText().contains("NCPEM Qualification 52")));

        // open the match: its plot drawn
        browser.findElements(By.cssSelector("#matches tbody tr")).stream()
            .filter(tr -> tr.getText().contains("NCPEM Qualification 52"))
            .findFirst()
            .orElseThrow()
            .click();
        await(
            Duration.ofSeconds(20),
            "the match's plot",
            () -> !browser.findElements(By.cssSelector("#match canvas")).isEmpty());
        WebElement canvas = browser.findElement(By.cssSelector("#match canvas"));
        Long inked =
            (Long)
                browser.executeScript(
                    "const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
                    canvas);
        assertThat(inked).isGreaterThan(5000L);
        Files.write(
            Path.of("target", "console-match.png"), browser.getScreenshotAs(OutputType.BYTES));

        // a quarantined copy: the token given, the requeue button clicked, the copy verified again
        long deliveryId = app.deliveries().get(0).id();
        long fileId = app.deliveries().get(0).fileId();
        ConsoleApiTest.quarantine(app, deliveryId);
        WebElement token = browser.findElement(By.id("token"));
        token.sendKeys(ConsoleApiTest.TOKEN);
        browser.executeScript("arguments[0].dispatchEvent(new Event('change'))", token);
        // the tables are redrawn as events come: click what is there at the moment
        click(browser, By.cssSelector("#files tbody tr[data-file-id='" + fileId + "']"));
        click(
            browser,
            By.cssSelector("#detail tr[data-delivery-id='" + deliveryId + "'] button.requeue"));
        ConsoleApiTest.awaitVerifiedAgain(app, deliveryId);

        assertThat(severe(browser)).as("console errors").isEmpty();

        // the app restarts under the open page: it reconnects, and what happens next shows up
        app.stop();
        await(
            Duration.ofSeconds(20),
            "the page sees the app gone",
            () -> browser.findElement(By.id("stream")).getText().contains("reconnecting"));
        app.start();
        Files.copy(Samples.dslog(Samples.NONE), app.inbox.resolve("after-restart.dslog"));
        await(
            Duration.ofSeconds(40),
            "a file after the restart in the feed, without a reload",
            () ->
                browser.findElements(By.cssSelector("#feed li")).stream()
                    .anyMatch(
                        li ->
                            li.getText().contains("finished")
                                && li.getText().contains("after-restart.dslog")));
        // nothing shown twice: each ledger event once in the feed
        List<String> ids =
            browser.findElements(By.cssSelector("#feed li")).stream()
                .map(li -> li.getAttribute("data-event-id"))
                .toList();
        assertThat(ids).doesNotHaveDuplicates();

        // a phone's width: the page still lays out, no horizontal scrolling of the whole page
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 900));
        Long overflow =
            (Long)
                browser.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).isLessThanOrEqualTo(0L);
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1200, 1400));
        browser.executeScript("window.scrollTo(0, 0)");
        Files.write(Path.of("target", "console.png"), browser.getScreenshotAs(OutputType.BYTES));

        // only the page's retries while the app was down (it says "reconnecting" meanwhile)
        assertThat(severe(browser))
            .as("console errors")
            .allMatch(e -> e.getMessage().contains("net::ERR_CONNECTION_REFUSED"));
      } finally {
        browser.quit();
      }
    }
  }
}
