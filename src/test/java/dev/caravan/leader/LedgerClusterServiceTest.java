package dev.caravan.leader;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.Ledger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two apps' cluster services on one ledger (H2): one leads, the other waits its turn. */
class LedgerClusterServiceTest {

  @TempDir Path tmp;

  @Test
  void oneLeadsWhileItRenewsAndACleanStopHandsOverAtOnce() throws Exception {
    Duration lease = Duration.ofMillis(600);
    try (Ledger ledger = Ledger.open(Ledger.url(null, tmp), "sa", "");
        DefaultCamelContext one = new DefaultCamelContext();
        DefaultCamelContext two = new DefaultCamelContext()) {
      List<String> events = new CopyOnWriteArrayList<>();
      CamelClusterView a = view(one, ledger, "a", lease, events);
      await(Duration.ofSeconds(10), "a leads", () -> a.getLocalMember().isLeader());
      CamelClusterView b = view(two, ledger, "b", lease, events);
      await(
          Duration.ofSeconds(10),
          "b sees a lead",
          () -> b.getLeader().map(m -> m.getId().equals("a")).orElse(false));
      Thread.sleep(5 * lease.toMillis()); // a renews: b never takes over
      assertThat(a.getLocalMember().isLeader()).isTrue();
      assertThat(b.getLocalMember().isLeader()).isFalse();
      assertThat(new LeaseTable(ledger.dataSource()).all())
          .singleElement()
          .satisfies(l -> assertThat(l.holder()).isEqualTo("a"));

      long stopped = System.nanoTime();
      one.stop(); // lets go of the lease
      await(Duration.ofSeconds(10), "b leads", () -> b.getLocalMember().isLeader());
      assertThat(Duration.ofNanos(System.nanoTime() - stopped))
          .as("no waiting out the lease after a clean stop")
          .isLessThan(lease);
      // the view says it leads just before its listeners hear it: wait for the event too
      await(Duration.ofSeconds(10), "b hears it leads", () -> events.size() >= 4);
      assertThat(events).containsExactly("a: a", "b: a", "a: none", "b: b");
    }
  }

  /** After a crash on the same machine (a Pi's power cut), the restarted app leads at once. */
  @Test
  void aCrashedAppOfThisMachineIsNotWaitedFor() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String crashed =
        LedgerClusterService.defaultMemberId()
            .replaceFirst("-\\d+-", "-" + gone.pid() + "-"); // this host, a pid that has ended
    assertThat(LedgerClusterService.isDeadHere(crashed)).isTrue();
    assertThat(LedgerClusterService.isDeadHere(LedgerClusterService.defaultMemberId())).isFalse();
    assertThat(LedgerClusterService.isDeadHere("otherhost-" + gone.pid() + "-1a2b3c4d")).isFalse();
    assertThat(LedgerClusterService.isDeadHere("pi-in-the-lab")).isFalse();
    Duration lease = Duration.ofMinutes(1);
    try (Ledger ledger = Ledger.open(Ledger.url(null, tmp), "sa", "");
        DefaultCamelContext context = new DefaultCamelContext()) {
      LeaseTable leases = new LeaseTable(ledger.dataSource());
      assertThat(
              leases.swap(TakeOver.NAMESPACE, leases.read(TakeOver.NAMESPACE).version(), crashed))
          .isTrue();
      CamelClusterView view =
          view(context, ledger, "restarted", lease, new CopyOnWriteArrayList<>());
      await(
          Duration.ofSeconds(10),
          "the restarted app leads",
          () -> view.getLocalMember().isLeader());
    }
  }

  private static CamelClusterView view(
      DefaultCamelContext context, Ledger ledger, String id, Duration lease, List<String> events)
      throws Exception {
    LedgerClusterService service =
        new LedgerClusterService(new LeaseTable(ledger.dataSource()), id, lease);
    context.addService(service);
    CamelClusterView view = service.getView(TakeOver.NAMESPACE);
    // before the start: every change is heard, none replayed
    view.addEventListener(
        (CamelClusterEventListener.Leadership)
            (v, leader) -> events.add(id + ": " + (leader == null ? "none" : leader.getId())));
    context.start();
    return view;
  }
}
