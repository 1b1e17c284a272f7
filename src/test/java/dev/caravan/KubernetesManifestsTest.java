package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/: each overlay rendered by {@code kubectl kustomize}, created in fabric8's mock API server
 * and read back; then what the app needs from it, checked against the app's own configuration.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesManifestsTest {

  static KubernetesClient client;

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void theOverlayRendersCreatesAndGivesTheAppWhatItNeeds(String overlay) throws Exception {
    String namespace = "caravan-" + overlay;
    List<HasMetadata> created = new java.util.ArrayList<>();
    for (HasMetadata item : client.load(new ByteArrayInputStream(render(overlay))).items()) {
      item.getMetadata().setNamespace(namespace);
      created.add(client.resource(item).inNamespace(namespace).create());
    }
    assertThat(created)
        .extracting(HasMetadata::getKind)
        .contains(
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "PersistentVolumeClaim",
            "Deployment",
            "Service",
            "NetworkPolicy");

    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName("caravan").get();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container app = pod.getContainers().get(0);

    // probes on Camel's health, at the port the app serves it on, from all addresses
    Properties config = appConfig(namespace, pod, app);
    assertThat(config.getProperty("camel.management.host")).isEqualTo("0.0.0.0");
    int port = Integer.parseInt(defaults().getProperty("camel.management.port"));
    assertThat(app.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
    assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
    assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
    assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
    assertThat(app.getLivenessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo(app.getPorts().get(0).getName());

    // non-root, read-only root file system, nothing extra
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(mountPath(app, "tmp")).isEqualTo("/tmp");
    assertThat(mountPath(app, "data")).isEqualTo("/var/lib/caravan");
    assertThat(config.getProperty("caravan.data")).startsWith("/var/lib/caravan/");
    assertThat(config.getProperty("caravan.inbox")).startsWith("/var/lib/caravan/");
    assertThat(config.getProperty("caravan.archive")).startsWith("/var/lib/caravan/");

    // requests and limits; long enough a grace period for in-flight uploads to finish
    assertThat(app.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(app.getResources().getLimits()).containsKey("memory");
    long shutdown = Long.parseLong(defaults().getProperty("camel.main.shutdownTimeout"));
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(shutdown);

    // the routes: every route file of routes/, as it is, mounted as a folder (no subPath: edits
    // reach the pod) where --routes points
    Volume routesVolume = volume(pod, "routes");
    ConfigMap routes =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(routesVolume.getConfigMap().getName())
            .get();
    try (var files = Files.list(Path.of("routes"))) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".camel.yaml")).toList();
      assertThat(routes.getData()).hasSize(all.size());
      for (Path f : all) {
        assertThat(routes.getData().get(f.getFileName().toString()))
            .as(f.toString())
            .isEqualTo(Files.readString(f));
      }
    }
    assertThat(routes.getMetadata().getName())
        .as("no hash: edited in place")
        .isEqualTo("caravan-routes");
    assertThat(arg(app, "--routes")).isEqualTo(mountPath(app, "routes"));
    assertThat(app.getVolumeMounts()).allMatch(m -> m.getSubPath() == null);

    // leader election: a Lease the service account may take and renew, pods it may list
    assertThat(config.getProperty("caravan.leader.service")).isEqualTo("camel");
    assertThat(config.getProperty("camel.beans.leaderElection"))
        .isEqualTo("#class:org.apache.camel.component.kubernetes.cluster.KubernetesClusterService");
    assertThat(pod.getServiceAccountName()).isEqualTo("caravan");
    Role role = client.rbac().roles().inNamespace(namespace).withName("caravan-leader").get();
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
              assertThat(r.getVerbs()).contains("get", "create", "update");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("pods");
              assertThat(r.getVerbs()).contains("list");
            });
    assertThat(role.getRules()).flatExtracting(PolicyRule::getVerbs).doesNotContain("delete", "*");
    RoleBinding binding =
        client.rbac().roleBindings().inNamespace(namespace).withName("caravan-leader").get();
    assertThat(binding.getRoleRef().getName()).isEqualTo("caravan-leader");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("caravan"));
    // the lease's pods are found by the label the manifests put on them
    String label = "camel.beans.leaderElection.clusterLabels[app.kubernetes.io/name]";
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", config.getProperty(label));

    // the Pod Security Standard "restricted"
    // (kubernetes.io/docs/concepts/security/pod-security-standards)
    restricted(pod);

    // only the HTTP port may be reached, on the app's pods (the namespace's, by the kustomize
    // label)
    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy =
        client.network().v1().networkPolicies().inNamespace(namespace).withName("caravan").get();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule ->
                assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(
                        p ->
                            assertThat(p.getPort().getStrVal())
                                .isEqualTo(app.getPorts().get(0).getName())));

    // the Service reaches the pods' health and metrics
    Service service = client.services().inNamespace(namespace).withName("caravan").get();
    assertThat(service.getSpec().getSelector())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/path", "/observe/metrics");

    // secrets as files, read by the app from CARAVAN_SECRETS_DIR
    assertThat(volume(pod, "secrets").getSecret().getOptional()).isTrue();
    assertThat(app.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("CARAVAN_SECRETS_DIR");
              assertThat(e.getValue()).isEqualTo(mountPath(app, "secrets"));
            });

    PersistentVolumeClaim data =
        client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withName(volume(pod, "data").getPersistentVolumeClaim().getClaimName())
            .get();
    if (overlay.equals("embedded")) {
      // H2 is a file: one pod, never two at once
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
      assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
      assertThat(config.getProperty("caravan.db.url", "")).isEmpty();
      assertThat(data.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    } else {
      // several pods on one PostgreSQL, sharing the data volume
      assertThat(deployment.getSpec().getReplicas()).isGreaterThan(1);
      assertThat(data.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
      assertThat(app.getEnv())
          .filteredOn(e -> e.getName().startsWith("CARAVAN_DB_"))
          .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
          .containsExactly("caravan-db", "caravan-db", "caravan-db");
      assertThat(
              client
                  .policy()
                  .v1()
                  .podDisruptionBudget()
                  .inNamespace(namespace)
                  .withName("caravan")
                  .get()
                  .getSpec()
                  .getSelector()
                  .getMatchLabels())
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }
  }

  /**
   * The image the Deployment runs: the Dockerfile and the Jib configuration (an image cannot be
   * built here) run the same jar and routes as the same user, on the port the manifests probe.
   */
  @Test
  void bothImageRecipesMatchTheManifests() throws Exception {
    List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
    String port = defaults().getProperty("camel.management.port");
    assertThat(dockerfile)
        .contains(
            "USER 10001:10001",
            "EXPOSE " + port,
            "COPY target/caravan.jar /opt/caravan/caravan.jar",
            "COPY routes/ /etc/caravan/routes/",
            "CMD [\"run\", \"--routes\", \"/etc/caravan/routes\"]")
        .anyMatch(
            l ->
                l.startsWith("ENTRYPOINT [")
                    && l.contains("\"-jar\", \"/opt/caravan/caravan.jar\"")
                    // the AOT cache the image's training run wrote (a Java 25 base)
                    && l.contains("\"-XX:AOTCache=/opt/caravan/caravan.aot\""))
        .contains("FROM eclipse-temurin:25-jre", "COPY deploy/aot-train.sh /tmp/aot/aot-train.sh");
    assertThat(String.join("\n", dockerfile))
        .contains("aot-train.sh /opt/caravan/caravan.jar \\\n      /opt/caravan/caravan.aot");

    org.w3c.dom.Document pom =
        javax.xml.parsers.DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile());
    javax.xml.xpath.XPath xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
    String jib = "//plugin[artifactId='jib-maven-plugin']/configuration/";
    assertThat(
            xpath.evaluate(
                "//build/plugins/plugin[artifactId='maven-shade-plugin']//finalName", pom))
        .isEqualTo("caravan");
    assertThat(xpath.evaluate(jib + "container/user", pom)).isEqualTo("10001:10001");
    assertThat(xpath.evaluate(jib + "container/ports/port", pom)).isEqualTo(port);
    assertThat(xpath.evaluate(jib + "container/mainClass", pom)).isEqualTo("${main.class}");
    assertThat(xpath.evaluate(jib + "container/workingDirectory", pom))
        .isEqualTo("/var/lib/caravan");
    assertThat(xpath.evaluate(jib + "extraDirectories/paths/path/from", pom)).isEqualTo("routes");
    assertThat(xpath.evaluate(jib + "extraDirectories/paths/path/into", pom))
        .isEqualTo("/etc/caravan/routes");
    assertThat(xpath.evaluate("string(" + jib + "container/args)", pom).trim().split("\\s+"))
        .containsExactly("run", "--routes", "/etc/caravan/routes");
    assertThat(Path.of(xpath.evaluate("//properties/main.class", pom).replace('.', '/') + ".java"))
        .satisfies(p -> assertThat(Path.of("src/main/java").resolve(p)).exists());
  }

  /** The properties file the app is started with: the config ConfigMap, where --config points. */
  private static Properties appConfig(String namespace, PodSpec pod, Container app)
      throws Exception {
    String configPath = arg(app, "--config");
    String dir = mountPath(app, "config");
    assertThat(configPath).startsWith(dir + "/");
    ConfigMap config =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(volume(pod, "config").getConfigMap().getName())
            .get();
    String text = config.getData().get(configPath.substring(dir.length() + 1));
    assertThat(text).isNotNull();
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  private static Properties defaults() throws Exception {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(Path.of("config/application.properties"))) {
      p.load(in);
    }
    return p;
  }

  private static String arg(Container app, String option) {
    List<String> args = app.getArgs();
    int i = args.indexOf(option);
    assertThat(i).as(option + " in " + args).isNotNegative();
    return args.get(i + 1);
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static String mountPath(Container app, String volume) {
    return app.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .map(VolumeMount::getMountPath)
        .findFirst()
        .orElseThrow();
  }

  /** kubectl kustomize, as the README says to run it. */
  private static byte[] render(String overlay) throws Exception {
    if (!onPath("kubectl")) {
      // .ci/run sets this: there the manifests must be checked
      assertThat(System.getenv("CARAVAN_REQUIRE_KUBECTL")).as("kubectl is required").isNull();
      Assumptions.abort("kubectl is not installed: the k8s/ manifests are not rendered");
    }
    Process p =
        new ProcessBuilder("kubectl", "kustomize", "k8s/overlays/" + overlay)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize k8s/overlays/" + overlay).isZero();
    return out;
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The controls of the "restricted" Pod Security Standard (v1.30) that a pod spec can fail,
   * checked one by one: no host namespaces, ports or paths, no privileged or extra capabilities
   * (only NET_BIND_SERVICE may be added, ALL dropped), no privilege escalation, non-root, seccomp
   * RuntimeDefault or Localhost, only the volume types the profile allows, default /proc, no unsafe
   * sysctls, no AppArmor/SELinux overrides.
   */
  private static void restricted(PodSpec pod) {
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    var podContext = pod.getSecurityContext();
    assertThat(podContext.getSeccompProfile().getType()).isIn("RuntimeDefault", "Localhost");
    assertThat(podContext.getSeLinuxOptions()).isNull();
    assertThat(podContext.getSysctls()).isNullOrEmpty();
    for (Volume v : pod.getVolumes()) {
      assertThat(
              v.getConfigMap() != null
                  || v.getSecret() != null
                  || v.getEmptyDir() != null
                  || v.getPersistentVolumeClaim() != null
                  || v.getProjected() != null
                  || v.getDownwardAPI() != null
                  || v.getCsi() != null
                  || v.getEphemeral() != null)
          .as("volume %s is of a type the restricted profile allows", v.getName())
          .isTrue();
    }
    List<Container> all = new java.util.ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    for (Container c : all) {
      var sc = c.getSecurityContext();
      assertThat(sc).as(c.getName()).isNotNull();
      assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).contains("ALL");
      if (sc.getCapabilities().getAdd() != null) {
        assertThat(sc.getCapabilities().getAdd()).isSubsetOf("NET_BIND_SERVICE");
      }
      boolean nonRoot =
          Boolean.TRUE.equals(sc.getRunAsNonRoot())
              || (sc.getRunAsNonRoot() == null
                  && Boolean.TRUE.equals(podContext.getRunAsNonRoot()));
      assertThat(nonRoot).as("%s runs as non-root", c.getName()).isTrue();
      Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : podContext.getRunAsUser();
      assertThat(user).as("%s is not uid 0", c.getName()).isNotEqualTo(0L);
      assertThat(sc.getProcMount()).isIn(null, "Default");
      if (sc.getSeccompProfile() != null) {
        assertThat(sc.getSeccompProfile().getType()).isIn("RuntimeDefault", "Localhost");
      }
      if (c.getPorts() != null) {
        assertThat(c.getPorts()).allMatch(p -> p.getHostPort() == null || p.getHostPort() == 0);
      }
    }
  }
}
