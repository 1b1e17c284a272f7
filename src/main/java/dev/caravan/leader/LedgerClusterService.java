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
    return host()
        + "-"
        + ManagementFactory.getRuntimeMXBean().getPid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Whether a member id (as {@link #defaultMemberId} makes them) names a process of this host that
   * is no longer running: an app that crashed here, whose lease need not be waited out. Anything
   * else (another host, a live or reused pid, a name an operator chose) is not known to be dead.
   */
  static boolean isDeadHere(String memberId) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(.+)-(\\d+)-[0-9a-f]{8}").matcher(memberId);
    if (!m.matches() || !m.group(1).equals(host())) {
      return false;
    }
    long pid = Long.parseLong(m.group(2));
    return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "host";
    }
  }

  public String memberId() {
    return memberId;
  }

  @Override
  protected LedgerClusterView createView(String namespace) {
    return new LedgerClusterView(this, namespace, table, memberId, lease);
  }
}
