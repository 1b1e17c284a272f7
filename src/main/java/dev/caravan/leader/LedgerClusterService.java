package dev.caravan.leader;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * Camel's cluster service (what {@code master:} endpoints ask who leads) on leases in the ledger,
 * for apps that share one ledger database outside Kubernetes: PostgreSQL for several machines, or
 * H2 in auto-server mode for several apps on one. On Kubernetes, Camel's own Lease-based service
 * takes its place ({@code caravan.leader.service=camel}).
 */
public final class LedgerClusterService extends AbstractCamelClusterService<LedgerClusterView> {

  private final LeaseTable table;
  private final String memberId;
  private final Duration lease;

  public LedgerClusterService(LeaseTable table, String memberId, Duration lease) {
    super("caravan-ledger");
    this.table = table;
    this.memberId = memberId;
    this.lease = lease;
  }

  /** host-pid-random: unique for each run of the app, and says where it runs. */
  public static String defaultMemberId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "host";
    }
    String pid = ManagementFactory.getRuntimeMXBean().getPid() + "";
    return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public String memberId() {
    return memberId;
  }

  @Override
  protected LedgerClusterView createView(String namespace) {
    return new LedgerClusterView(this, namespace, table, memberId, lease);
  }
}
