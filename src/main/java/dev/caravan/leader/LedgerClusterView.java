package dev.caravan.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lease in the ledger, held by at most one app. The holder renews it every quarter of the lease
 * time and steps down when it could not renew for half of it; another app takes it over once it has
 * seen the version stand still for the whole lease time, measured on its own clock. So the old
 * holder has stopped before anyone else starts, however the apps' clocks are set.
 */
final class LedgerClusterView extends AbstractCamelClusterView {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerClusterView.class);

  private final LeaseTable table;
  private final String memberId;
  private final long leaseNanos;
  private final long renewDeadlineNanos;
  private final long periodMillis;
  private final Member local;

  private ScheduledExecutorService ticker;
  // changed by the ticker thread only; read by Camel's threads
  private volatile boolean leading;
  private volatile String leader;
  private long version = -1;
  private long versionSeenAt;
  private long renewedAt;
  private String lastProblem;

  LedgerClusterView(
      LedgerClusterService service,
      String namespace,
      LeaseTable table,
      String memberId,
      Duration lease) {
    super(service, namespace);
    this.table = table;
    this.memberId = memberId;
    this.leaseNanos = lease.toNanos();
    this.renewDeadlineNanos = lease.toNanos() / 2;
    this.periodMillis = Math.max(50, lease.toMillis() / 4);
    this.local = new Member(memberId, true);
  }

  @Override
  protected void doStart() {
    ticker =
        getCamelContext()
            .getExecutorServiceManager()
            .newSingleThreadScheduledExecutor(this, "leader-" + getNamespace());
    ticker.scheduleWithFixedDelay(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() throws InterruptedException {
    ticker.shutdown();
    ticker.awaitTermination(10, TimeUnit.SECONDS);
    if (leading) {
      leading = false;
      leader = null;
      try {
        // a clean stop hands over at once instead of after the lease time
        if (table.swap(getNamespace(), version, null)) {
          LOG.info("{} let go of leading {}", memberId, getNamespace());
        }
      } catch (Exception e) {
        LOG.warn("{} could not let go of {}: {}", memberId, getNamespace(), e.toString());
      }
      fireLeadershipChangedEvent((CamelClusterMember) null);
    }
  }

  private void tick() {
    try {
      LeaseTable.Lease lease = table.read(getNamespace());
      long now = System.nanoTime();
      if (lease.version() != version) {
        version = lease.version();
        versionSeenAt = now;
      }
      lastProblem = null;
      if (leading) {
        if (memberId.equals(lease.holder()) && table.swap(getNamespace(), version, memberId)) {
          version++;
          versionSeenAt = now;
          renewedAt = now;
        } else {
          stepDown("the lease moved on to " + lease.holder());
        }
        return;
      }
      boolean free =
          lease.holder() == null
              || now - versionSeenAt >= leaseNanos
              // the same machine's app that crashed: no need to wait its lease out
              || LedgerClusterService.isDeadHere(lease.holder());
      if (free && table.swap(getNamespace(), version, memberId)) {
        version++;
        versionSeenAt = now;
        renewedAt = now;
        leading = true;
        leader = memberId;
        LOG.info(
            "{} leads {}{}",
            memberId,
            getNamespace(),
            lease.holder() == null ? "" : " (" + lease.holder() + " stopped renewing)");
        fireLeadershipChangedEvent(local);
      } else if (!Objects.equals(leader, lease.holder()) && !free) {
        leader = lease.holder();
        LOG.info("{} leads {}; this app ({}) stands by", leader, getNamespace(), memberId);
        fireLeadershipChangedEvent(new Member(leader, false));
      }
    } catch (Exception e) {
      String problem = e.toString();
      if (!problem.equals(lastProblem)) {
        LOG.warn("cannot read or renew the lease {}: {}", getNamespace(), problem);
        lastProblem = problem;
      }
      if (leading && System.nanoTime() - renewedAt > renewDeadlineNanos) {
        stepDown("could not renew it: " + problem);
      }
    }
  }

  private void stepDown(String why) {
    leading = false;
    leader = null;
    LOG.warn("{} no longer leads {}: {}", memberId, getNamespace(), why);
    fireLeadershipChangedEvent((CamelClusterMember) null);
  }

  @Override
  public CamelClusterMember getLocalMember() {
    return local;
  }

  @Override
  public List<CamelClusterMember> getMembers() {
    List<CamelClusterMember> members = new ArrayList<>(List.of(local));
    getLeader().filter(m -> !m.isLocal()).ifPresent(members::add);
    return members;
  }

  @Override
  public Optional<CamelClusterMember> getLeader() {
    String current = leader;
    if (current == null) {
      return Optional.empty();
    }
    return Optional.of(current.equals(memberId) ? local : new Member(current, false));
  }

  private final class Member implements CamelClusterMember {
    private final String id;
    private final boolean isLocal;

    Member(String id, boolean isLocal) {
      this.id = id;
      this.isLocal = isLocal;
    }

    @Override
    public String getId() {
      return id;
    }

    @Override
    public boolean isLeader() {
      return isLocal ? leading : id.equals(leader);
    }

    @Override
    public boolean isLocal() {
      return isLocal;
    }

    @Override
    public String toString() {
      return id;
    }
  }
}
