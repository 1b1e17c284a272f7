package dev.caravan.insight;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The insight report: one self-contained HTML file (uPlot, the data and the page inlined; nothing
 * fetched) with, per match, voltage and total current against time with the robot's modes shaded
 * and brownouts marked, current per PD channel, energy per channel, the summary numbers, and a
 * table of the batteries across the matches.
 */
public final class Report {

  /** uPlot in its WebJar (the version is the POM's uplot.version), on the class path. */
  public static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {}

  /**
   * @param series each log's points by file id (a log without them is shown without plots)
   */
  public static byte[] html(
      String title,
      List<Season.Match> matches,
      Map<Long, PowerSeries.Points> series,
      List<Season.Battery> batteries,
      Instant generated) {
    Map<String, Object> data = new LinkedHashMap<>();
    List<Map<String, Object>> ms = new ArrayList<>();
    for (Season.Match m : matches) {
      ms.add(match(m, series));
    }
    data.put("matches", ms);
    data.put("batteries", batteries.stream().map(Season.Battery::toMap).toList());
    String json;
    try {
      // inside <script>: no "</" may close it early
      json = JSON.writeValueAsString(data).replace("</", "<\\/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String page =
        resource("insight/report.html")
            .replace("/*UPLOT_CSS*/", resource(UPLOT + "uPlot.min.css"))
            .replace(
                "/*UPLOT_JS*/",
                resource(UPLOT + "uPlot.iife.min.js").replace("</script", "<\\/script"))
            .replace("/*TITLE*/", escape(title))
            .replace("/*GENERATED*/", generated.toString())
            .replace("/*DATA*/", json);
    return page.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> match(Season.Match m, Map<Long, PowerSeries.Points> series) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", m.label());
    out.put("summary", m.toMap());
    double[] energy = m.tally().channelEnergyWh();
    double[] charge = m.tally().channelChargeAh();
    List<Map<String, Object>> channels = new ArrayList<>();
    for (int c = 0; c < energy.length; c++) {
      channels.add(Map.of("channel", c, "energy_wh", energy[c], "charge_ah", charge[c]));
    }
    out.put("channels", channels);
    List<Double> t = new ArrayList<>();
    List<Double> volts = new ArrayList<>();
    List<Double> amps = new ArrayList<>();
    List<Integer> mode = new ArrayList<>();
    List<Integer> brownout = new ArrayList<>();
    List<List<Double>> ch = new ArrayList<>();
    for (int c = 0; c < energy.length; c++) {
      ch.add(new ArrayList<>());
    }
    for (SeasonTable.Row log : m.logs()) {
      PowerSeries.Points p = series.get(log.fileId());
      if (p == null || p.t().length == 0) {
        continue;
      }
      double offset =
          m.start() == null || log.start() == null
              ? 0
              : Duration.between(m.start(), log.start()).toMillis() / 1000.0;
      if (!t.isEmpty()) {
        // a gap between two logs: a point without values breaks the lines
        t.add(Math.max(t.get(t.size() - 1), offset + p.t()[0]) - 1e-3);
        volts.add(null);
        amps.add(null);
        mode.add(mode.get(mode.size() - 1));
        brownout.add(0);
        ch.forEach(l -> l.add(null));
      }
      for (int i = 0; i < p.t().length; i++) {
        t.add(offset + p.t()[i]);
        volts.add(p.volts()[i]);
        amps.add(p.amps()[i]);
        mode.add(p.mode()[i]);
        brownout.add(p.brownout()[i]);
        for (int c = 0; c < ch.size(); c++) {
          ch.get(c).add(c < p.channelAmps().length ? p.channelAmps()[c][i] : 0.0);
        }
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("t", t);
    s.put("volts", volts);
    s.put("amps", amps);
    s.put("mode", mode);
    s.put("brownout", brownout);
    s.put("channels", ch);
    out.put("series", s);
    return out;
  }

  private static String resource(String name) {
    try (InputStream in = Report.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
