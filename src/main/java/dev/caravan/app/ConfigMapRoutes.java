package dev.caravan.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads routes edited in a Kubernetes ConfigMap. The kubelet updates a ConfigMap volume by
 * pointing its {@code ..data} link at a new folder: the route files (links through {@code ..data})
 * never change themselves, and Camel's file watcher, which passes over folders, sees nothing. This
 * reads the route files every few seconds and hands each one whose content changed to Camel's
 * reload, as if it had been saved in place. Files added or removed are Camel's watcher's (their
 * links do change).
 */
final class ConfigMapRoutes extends ServiceSupport {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapRoutes.class);

  private final CamelContext context;
  private final Path dir;
  private final long periodMillis;
  private Map<Path, String> contents;
  private ScheduledExecutorService ticker;

  ConfigMapRoutes(CamelContext context, Path dir, long periodMillis) {
    this.context = context;
    this.dir = dir;
    this.periodMillis = periodMillis;
  }

  /** A ConfigMap (or Secret) volume, as the kubelet writes it. */
  static boolean isConfigMapVolume(Path dir) {
    return Files.isSymbolicLink(dir.resolve("..data"));
  }

  @Override
  protected void doStart() throws IOException {
    contents = read();
    ticker = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "routes");
    ticker.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    LOG.info("routes: {} is a ConfigMap volume; its updates are reloaded", dir);
  }

  @Override
  protected void doStop() {
    if (ticker != null) {
      context.getExecutorServiceManager().shutdown(ticker);
    }
  }

  private void check() {
    try {
      Map<Path, String> now = read();
      for (Map.Entry<Path, String> e : now.entrySet()) {
        String before = contents.get(e.getKey());
        if (before != null && !before.equals(e.getValue())) {
          reload(e.getKey());
        }
      }
      contents = now;
    } catch (Exception e) {
      LOG.warn("cannot read the routes in {}: {}", dir, e.toString());
    }
  }

  private void reload(Path file) throws Exception {
    RouteWatcherReloadStrategy reload = context.hasService(RouteWatcherReloadStrategy.class);
    if (reload == null) {
      LOG.warn("{} changed, but route reloading is off", file);
      return;
    }
    String name = file.toAbsolutePath().toString();
    LOG.info("routes: {} changed in the ConfigMap; reloading it", file.getFileName());
    reload
        .getResourceReload()
        .onReload(name, PluginHelper.getResourceLoader(context).resolveResource("file:" + name));
  }

  /** Each route file's text (they are small). */
  private Map<Path, String> read() throws IOException {
    Map<Path, String> texts = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).toList()) {
        texts.put(f, Files.readString(f));
      }
    }
    return texts;
  }
}
