package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader election of k8s/base/application.properties, as configured there (Camel's Kubernetes
 * cluster service, a Lease), against fabric8's mock API server: the pod holding the Lease polls,
 * the other stands by and takes over when the first is gone.
 */
@EnableKubernetesMockClient(https = false, crud = true)
class KubernetesLeaderTest {

  static KubernetesClient client;

  @TempDir Path tmp;

  /** What a pod's service account gives the client, given here as fabric8's system properties. */
  @BeforeEach
  void apiServer() {
    System.setProperty("kubernetes.master", client.getMasterUrl().toString());
    System.setProperty("kubernetes.namespace", "test");
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
  }

  @AfterEach
  void noApiServer() {
    for (String key :
        List.of(
            "kubernetes.master",
            "kubernetes.namespace",
            "kubernetes.auth.tryKubeConfig",
            "kubernetes.auth.tryServiceAccount")) {
      System.clearProperty(key);
    }
  }

  @Test
  void onePodHoldsTheLeaseAndPollsTheOtherTakesOver() throws Exception {
    readyPod("caravan-0");
    readyPod("caravan-1");
    try (AppHarness first = pod(tmp.resolve("pod0"), "caravan-0").start();
        AppHarness second = pod(tmp.resolve("pod1"), "caravan-1")) {
      await(
          Duration.ofSeconds(30), "caravan-0 holds the lease", () -> "caravan-0".equals(holder()));
      second.start();
      Files.write(first.inbox.resolve("a.bin"), new byte[] {1, 2, 3});
      Files.write(second.inbox.resolve("b.bin"), new byte[] {4, 5, 6});
      first.awaitFiles(1);
      Thread.sleep(2000); // several polls' time: the standby takes nothing
      assertThat(second.files()).isEmpty();
      assertThat(holder()).isEqualTo("caravan-0");

      // the leader's pod goes away: the Lease runs out and the other pod leads
      first.stop();
      client.pods().inNamespace("test").withName("caravan-0").delete();
      await(
          Duration.ofSeconds(60), "caravan-1 holds the lease", () -> "caravan-1".equals(holder()));
      second.awaitFiles(1);
      assertThat(second.files())
          .singleElement()
          .satisfies(f -> assertThat(f.name()).isEqualTo("b.bin"));
    }
  }

  private AppHarness pod(Path root, String name) throws Exception {
    AppHarness app = new AppHarness(root, null);
    Properties k8s = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("k8s/base/application.properties"))) {
      k8s.load(in);
    }
    for (String key : k8s.stringPropertyNames()) {
      // the pod's paths and address are the harness's here
      if (!key.startsWith("caravan.inbox")
          && !key.startsWith("caravan.archive")
          && !key.startsWith("caravan.data")
          && !key.startsWith("camel.management")) {
        app.set(key, k8s.getProperty(key));
      }
    }
    String bean = "camel.beans.leaderElection.";
    return app.set(bean + "podName", name) // HOSTNAME on Kubernetes
        .set(bean + "leaseDurationMillis", "3000")
        .set(bean + "renewDeadlineMillis", "2000")
        .set(bean + "retryPeriodMillis", "500");
  }

  private static void readyPod(String name) {
    client
        .pods()
        .inNamespace("test")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app.kubernetes.io/name", "caravan")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  private static String holder() {
    Lease lease = client.leases().inNamespace("test").withName("caravan-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }
}
