package dev.caravan.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's watcher of the routes folder, completed for route templates. When a file is saved, Camel
 * 4.17 reloads its routes, but of its {@code routeTemplate}s it adds the new definitions after the
 * old ones (and the old one, found first, stays in use), and it does not make its {@code
 * templatedRoute}s again. Here, a saved file's old templates are taken away first; its templated
 * routes are made again from the file as it is now (those it no longer lists are removed); and the
 * routes that other files made from one of its templates are made again from the new template. So a
 * destination made from a template reloads like any other route.
 */
public final class RouteFolderReload extends RouteWatcherReloadStrategy {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.routes");

  private final Path folder;

  /** The routes each file made from templates, by the file: those to remove when it drops them. */
  private final Map<Path, Set<String>> madeBy = new ConcurrentHashMap<>();

  public RouteFolderReload(Path folder, String pattern) {
    super(folder.toString(), false);
    this.folder = folder;
    setPattern(pattern);
    // a saved file replaces its own routes; the others keep running (a file whose routes were
    // all skipped by their precondition can then be switched on)
    setRemoveAllRoutes(false);
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    for (Path file : templatedRouteFiles()) {
      madeBy.put(file, ids(parse(file).templated()));
    }
  }

  @Override
  protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
    if (resources == null || resources.isEmpty()) {
      super.onRouteReload(resources, removeEverything);
      return;
    }
    Map<Path, Parsed> saved = new LinkedHashMap<>();
    try {
      for (Resource resource : resources) {
        Path file = Path.of(resource.getURI()).toAbsolutePath().normalize();
        saved.put(file, Files.exists(file) ? parse(file) : Parsed.NONE);
      }
    } catch (Exception e) {
      // a file Camel cannot read: Camel's own reload reports it and keeps the running routes
      super.onRouteReload(resources, removeEverything);
      return;
    }
    try {
      Model model = getCamelContext().getCamelContextExtension().getContextPlugin(Model.class);
      Set<String> templates = new HashSet<>();
      saved.values().forEach(p -> templates.addAll(p.templateIds()));
      for (RouteTemplateDefinition old : List.copyOf(model.getRouteTemplateDefinitions())) {
        if (templates.contains(old.getId()) || saved.containsKey(fileOf(old))) {
          model.removeRouteTemplateDefinition(old);
        }
      }
      super.onRouteReload(resources, removeEverything);

      List<Make> make = new ArrayList<>();
      for (Map.Entry<Path, Parsed> e : saved.entrySet()) {
        e.getValue().templated().forEach(t -> make.add(new Make(t, e.getKey())));
        Set<String> now = ids(e.getValue().templated());
        for (String dropped : madeBy.getOrDefault(e.getKey(), Set.of())) {
          if (!now.contains(dropped)) {
            remove(model, dropped);
            LOG.info(
                "routes: {} removed ({} no longer makes it)", dropped, e.getKey().getFileName());
          }
        }
        madeBy.put(e.getKey(), now);
      }
      if (!templates.isEmpty()) {
        for (Path other : templatedRouteFiles()) {
          if (!saved.containsKey(other)) {
            parse(other).templated().stream()
                .filter(t -> templates.contains(t.getRouteTemplateRef()))
                .forEach(t -> make.add(new Make(t, other)));
          }
        }
      }
      for (Make m : make) {
        make(model, m);
      }
    } catch (Exception e) {
      throw new IllegalStateException("routes: could not reload " + saved.keySet() + ": " + e, e);
    }
  }

  /**
   * One route made again from its template. One that cannot be made is reported and skipped: the
   * others are made all the same, and a missing template or parameter keeps the running route.
   */
  private void make(Model model, Make m) {
    TemplatedRouteDefinition t = m.definition();
    String id = t.getRouteId();
    RouteTemplateDefinition template = model.getRouteTemplateDefinition(t.getRouteTemplateRef());
    String missing =
        template == null ? "there is no route template " + t.getRouteTemplateRef() : null;
    if (template != null && template.getTemplateParameters() != null) {
      Set<String> given = new HashSet<>();
      if (t.getParameters() != null) {
        t.getParameters().forEach(p -> given.add(p.getName()));
      }
      for (var p : template.getTemplateParameters()) {
        if (p.isRequired() && p.getDefaultValue() == null && !given.contains(p.getName())) {
          missing = "its parameter " + p.getName() + " is missing";
        }
      }
    }
    if (missing != null) {
      LOG.error(
          "routes: {} ({}) not made again: {}; {}",
          id,
          m.file().getFileName(),
          missing,
          getCamelContext().getRoute(id) != null ? "the running one is kept" : "it does not run");
      return;
    }
    try {
      remove(model, id);
      model.addRouteFromTemplatedRoute(t);
      LOG.info(
          "routes: {} made again from template {} ({})",
          id,
          t.getRouteTemplateRef(),
          getCamelContext().getRoute(id) == null ? "not started: its precondition" : "started");
    } catch (Exception e) {
      LOG.error(
          "routes: {} ({}) could not be made from template {}: {}",
          id,
          m.file().getFileName(),
          t.getRouteTemplateRef(),
          e.toString());
    }
  }

  private void remove(Model model, String routeId) throws Exception {
    if (getCamelContext().getRoute(routeId) != null) {
      getCamelContext().getRouteController().stopRoute(routeId);
      getCamelContext().removeRoute(routeId);
    }
    RouteDefinition definition = model.getRouteDefinition(routeId);
    if (definition != null) {
      model.removeRouteDefinition(definition);
    }
  }

  /**
   * The route files that make routes from templates. Only those are read here: reading a file as
   * Camel does also applies its settings (a restConfiguration), and a file the application left out
   * (the console's, without an HTTP server) must stay out.
   */
  private List<Path> templatedRouteFiles() throws java.io.IOException {
    java.nio.file.PathMatcher matcher =
        folder.getFileSystem().getPathMatcher("glob:" + getPattern());
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        if (matcher.matches(f.getFileName())
            && Files.isRegularFile(f)
            && Files.readString(f).contains("templatedRoute")) {
          found.add(f.toAbsolutePath().normalize());
        }
      }
    }
    return found;
  }

  private static Path fileOf(RouteTemplateDefinition template) {
    Resource resource = template.getResource();
    if (resource == null || !resource.getLocation().startsWith("file:")) {
      return null;
    }
    return Path.of(resource.getLocation().substring("file:".length())).toAbsolutePath().normalize();
  }

  /** The templates and templated routes of one file, read as Camel reads it. */
  private Parsed parse(Path file) throws Exception {
    Resource resource =
        PluginHelper.getResourceLoader(getCamelContext()).resolveResource("file:" + file);
    Set<String> templates = new HashSet<>();
    List<TemplatedRouteDefinition> templated = new ArrayList<>();
    for (RoutesBuilder builder :
        PluginHelper.getRoutesLoader(getCamelContext()).findRoutesBuilders(resource)) {
      if (builder instanceof RouteBuilder routes) {
        routes.configureRoutes(getCamelContext());
        routes
            .getRouteTemplateCollection()
            .getRouteTemplates()
            .forEach(t -> templates.add(t.getId()));
        templated.addAll(routes.getTemplatedRouteCollection().getTemplatedRoutes());
      }
    }
    return new Parsed(templates, templated);
  }

  private static Set<String> ids(List<TemplatedRouteDefinition> templated) {
    Set<String> ids = new HashSet<>();
    templated.forEach(t -> ids.add(t.getRouteId()));
    return ids;
  }

  /** A templated route to make, and the file it is in. */
  private record Make(TemplatedRouteDefinition definition, Path file) {}

  /** The ids of a file's route templates, and its templated routes. */
  private record Parsed(Set<String> templateIds, List<TemplatedRouteDefinition> templated) {
    static final Parsed NONE = new Parsed(Set.of(), List.of());
  }
}
